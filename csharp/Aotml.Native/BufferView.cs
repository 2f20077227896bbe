using System.Runtime.InteropServices;

namespace Aotml.Native;

/// <summary>
/// aotml_buffer: a strided view of caller memory, filled from a Py_buffer (or any array library's equivalent).
/// Validation lives here, once, so both Python backends raise the same messages.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct AotmlBuffer
{
    public void* Data;       // void* data
    public long* Shape;      // const int64_t* shape (ndim entries)
    public long* Strides;    // const int64_t* strides in bytes, NULL = C-contiguous
    public byte* Format;     // const char* format, struct-module syntax ("f", "<d"); NULL = unsigned bytes
    public long ItemSize;    // int64_t itemsize
    public int NDim;         // int32_t ndim
    public int ReadOnly;     // int32_t readonly
}

/// <summary>Element types a buffer can hold, by their numpy names.</summary>
internal enum DType { Unknown, Float32, Float64 }

internal static unsafe class BufferChecks
{
    public static ReadOnlySpan<long> Shape(AotmlBuffer* b) => new(b->Shape, b->NDim);

    public static long Count(AotmlBuffer* b)
    {
        long n = 1;
        for (int i = 0; i < b->NDim; i++) n *= b->Shape[i];
        return n;
    }

    /// <summary>The float dtype of <paramref name="b"/>, or ArgumentException naming what it holds instead.</summary>
    public static DType FloatDType(AotmlBuffer* b, string name)
    {
        if (b == null || (b->Data == null && Count(b) != 0)) throw new ArgumentException($"{name} is missing");
        string f = FormatOf(b);
        string bare = f.Length == 2 && f[0] is '@' or '=' or '<' ? f[1..] : f;
        if (bare == "f" && b->ItemSize == 4) return DType.Float32;
        if (bare == "d" && b->ItemSize == 8) return DType.Float64;
        throw new ArgumentException($"{name} has dtype {DescribeFormat(f)}; aotml's normalization kernels take float32 or float64 (cast with x.astype(numpy.float32))");
    }

    public static string FormatOf(AotmlBuffer* b) => b->Format == null ? "B" : Marshal.PtrToStringUTF8((nint)b->Format) ?? "B";

    private static string DescribeFormat(string f) => f.TrimStart('@', '=', '<', '>', '!') switch
    {
        "e" => "float16", "b" => "int8", "B" => "uint8", "h" => "int16", "H" => "uint16", "i" => "int32",
        "I" => "uint32", "l" or "q" => "int64", "L" or "Q" => "uint64", "?" => "bool",
        "f" or "d" when f[0] is '>' or '!' => $"'{f}' (big-endian)",
        _ => $"'{f}'",
    };

    public static bool IsCContiguous(AotmlBuffer* b)
    {
        if (b->Strides == null) return true;
        long expected = b->ItemSize;
        for (int i = b->NDim - 1; i >= 0; i--)
        {
            if (b->Shape[i] == 0) return true;
            if (b->Shape[i] != 1 && b->Strides[i] != expected) return false;
            expected *= b->Shape[i];
        }
        return true;
    }

    public static string FormatShape(ReadOnlySpan<long> shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <summary>Checks x is a readable C-contiguous float array; returns its dtype.</summary>
    public static DType Input(AotmlBuffer* x, string name = "x")
    {
        var t = FloatDType(x, name);
        if (!IsCContiguous(x))
            throw new ArgumentException($"{name} is not C-contiguous; aotml reads inputs in place and never copies silently: pass numpy.ascontiguousarray({name})");
        return t;
    }

    /// <summary>Checks out is a writable C-contiguous array of x's dtype and shape, that is x itself or disjoint from it.</summary>
    public static void Output(AotmlBuffer* x, AotmlBuffer* o, DType dtype)
    {
        if (o == null) throw new ArgumentException("out is missing");
        if (o->ReadOnly != 0) throw new ArgumentException("out is read-only; pass a writable array");
        var t = FloatDType(o, "out");
        if (t != dtype) throw new ArgumentException($"out has dtype {Name(t)}, expected {Name(dtype)} (the dtype of x)");
        if (!Shape(o).SequenceEqual(Shape(x)))
            throw new ArgumentException($"out has shape {FormatShape(Shape(o))}, expected {FormatShape(Shape(x))} (the shape of x)");
        if (!IsCContiguous(o)) throw new ArgumentException("out is not C-contiguous");
        long bytes = Count(x) * x->ItemSize;
        byte* xs = (byte*)x->Data, os = (byte*)o->Data;
        if (xs != os && bytes > 0 && xs < os + bytes && os < xs + bytes)
            throw new ArgumentException("out overlaps x without being x; pass out=x to work in place, or a separate array");
    }

    public static string Name(DType t) => t == DType.Float32 ? "float32" : "float64";

    public static Span<T> Span<T>(AotmlBuffer* b) where T : unmanaged => new(b->Data, checked((int)Count(b)));
}
