using System.Runtime.InteropServices;
using Aotml.Onnx;

namespace Aotml.Native;

/// <summary>aotml_onnx_value: what an OrtValue holds, handed to the caller; shape and data belong to the value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct AotmlOnnxValue
{
    public nint Handle;      // void* handle (a Value reference; aotml_handle_free)
    public void* Data;       // void* data: first element of a numeric tensor, else NULL
    public long* Shape;      // const int64_t* shape
    public int NDim;         // int32_t ndim
    public int Kind;         // int32_t kind (ONNXType)
    public int ElemType;     // int32_t elem_type (ONNXTensorElementDataType)
    public int Reserved;     // int32_t reserved

    /// <summary>Fills <paramref name="o"/> for a value the caller is to own through a new handle.</summary>
    public static void Fill(AotmlOnnxValue* o, Value value) => Fill(o, value.Describe(), Handles.New(value));

    /// <summary>Fills <paramref name="o"/> for a raw OrtValue* the caller owns (aotml_onnx_value_release).</summary>
    public static void FillRaw(AotmlOnnxValue* o, nint ortValue) => Fill(o, Value.Describe(ortValue), ortValue);

    private static void Fill(AotmlOnnxValue* o, Value.Description d, nint handle)
    {
        o->Data = d.Data;
        o->Shape = d.Shape;
        o->NDim = d.Rank;
        o->Kind = (int)d.Kind;
        o->ElemType = (int)d.ElementType;
        o->Reserved = 0;
        o->Handle = handle;
    }
}

/// <summary>Element types of caller buffers, read from their struct-module format.</summary>
internal static unsafe class OnnxBuffers
{
    /// <summary>The ONNX element type of a buffer, or Undefined when its format has none.</summary>
    /// <remarks>Reads the format bytes in place: this runs for every input of every run, so nothing is allocated.</remarks>
    public static ElementType TypeOf(AotmlBuffer* b)
    {
        byte* f = b->Format;
        if (f == null) return b->ItemSize == 1 ? ElementType.UInt8 : ElementType.Undefined;
        if (f[0] is (byte)'@' or (byte)'=' or (byte)'<' or (byte)'|') f++;
        if (f[0] == 0 || f[1] != 0) return ElementType.Undefined;
        long size = b->ItemSize;
        return (char)f[0] switch
        {
            'f' when size == 4 => ElementType.Float,
            'd' when size == 8 => ElementType.Double,
            'e' when size == 2 => ElementType.Float16,
            'b' when size == 1 => ElementType.Int8,
            'B' when size == 1 => ElementType.UInt8,
            'h' when size == 2 => ElementType.Int16,
            'H' when size == 2 => ElementType.UInt16,
            'i' or 'l' when size == 4 => ElementType.Int32,
            'I' or 'L' when size == 4 => ElementType.UInt32,
            'l' or 'q' when size == 8 => ElementType.Int64,
            'L' or 'Q' when size == 8 => ElementType.UInt64,
            '?' when size == 1 => ElementType.Bool,
            _ => ElementType.Undefined,
        };
    }

    /// <summary>How an error message names a buffer's element type: its numpy name, or its raw format.</summary>
    public static string TypeName(AotmlBuffer* b, ElementType t)
    {
        if (t != ElementType.Undefined) return ElementTypes.NumpyName(t);
        string f = BufferChecks.FormatOf(b);
        return f.Length > 0 && f[0] is '>' or '!' ? $"big-endian '{f}'" : $"buffer format '{f}'";
    }

    /// <summary>Shape of a buffer as a span, after checking it can be read in place.</summary>
    public static ReadOnlySpan<long> CheckedShape(AotmlBuffer* b, string what, string? name = null)
    {
        // Messages are built only on failure: this runs on every input of every run.
        if (name != null && (b == null || !BufferChecks.IsCContiguous(b) || (b->Data == null && BufferChecks.Count(b) != 0)))
            what = $"{what} '{name}'";
        if (b == null) throw new ArgumentException($"{what} is missing");
        if (!BufferChecks.IsCContiguous(b))
            throw new ArgumentException($"{what} is not C-contiguous; pass numpy.ascontiguousarray(...)");
        if (b->Data == null && BufferChecks.Count(b) != 0) throw new ArgumentException($"{what} has no data");
        return new ReadOnlySpan<long>(b->Shape, b->NDim);
    }

    /// <summary>A raw OrtValue* over a buffer, for the duration of one call.</summary>
    public static nint Over(AotmlBuffer* b, ReadOnlySpan<long> shape, ElementType type) =>
        Value.CreateOver(b->Data, BufferChecks.Count(b) * b->ItemSize, shape, type);
}
