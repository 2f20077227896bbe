using System.Runtime.InteropServices;

namespace Aotml.Onnx;

/// <summary>
/// An OrtValue with shared ownership: every holder (a session output handed to Python, a numpy view of it, an
/// IoBinding) takes a reference and disposes it; the native value is released with the last one. A value created
/// over caller memory does not own that memory: the caller keeps it alive as long as the value.
/// </summary>
public sealed unsafe class Value : IDisposable
{
    private nint _ptr;   // OrtValue*
    private int _refs = 1;

    /// <summary>Takes ownership of an OrtValue*.</summary>
    public Value(nint ortValue)
    {
        if (ortValue == 0) throw new ArgumentException("null OrtValue");
        _ptr = ortValue;
    }

    /// <summary>The OrtValue*; valid while a reference is held.</summary>
    public nint Pointer => _ptr != 0 ? _ptr : throw new ObjectDisposedException(nameof(Value));

    /// <summary>Adds a reference (for another holder); each reference is disposed once.</summary>
    public Value AddRef()
    {
        if (Interlocked.Increment(ref _refs) <= 1) throw new ObjectDisposedException(nameof(Value));
        return this;
    }

    /// <summary>Drops one reference; the last one releases the OrtValue.</summary>
    public void Dispose()
    {
        if (Interlocked.Decrement(ref _refs) != 0) return;
        nint p = Interlocked.Exchange(ref _ptr, 0);
        if (p != 0) Ort.Api->ReleaseValue(p);
    }

    /// <summary>Releases a raw OrtValue* that no <see cref="Value"/> owns (one from <see cref="CreateOver"/> or a run).</summary>
    public static void Release(nint ortValue)
    {
        if (ortValue != 0) Ort.Api->ReleaseValue(ortValue);
    }

    /// <summary>A tensor over caller memory (zero copy): CreateTensorWithDataAsOrtValue. Returns the raw OrtValue*.</summary>
    public static nint CreateOver(void* data, long bytes, ReadOnlySpan<long> shape, ElementType type)
    {
        nint v;
        // ORT rejects a null data pointer even for zero-size tensors; any non-null address serves as nothing is read.
        long dummy = 0;
        if (data == null) { data = &dummy; bytes = 0; }
        fixed (long* s = shape)
            Ort.Check(Ort.Api->CreateTensorWithDataAsOrtValue(Ort.CpuMemory, data, (nuint)bytes, s, (nuint)shape.Length, (int)type, &v));
        return v;
    }

    /// <summary>A tensor ORT allocates (zero-filled for numbers, empty strings for strings).</summary>
    public static Value Allocate(ReadOnlySpan<long> shape, ElementType type)
    {
        foreach (long d in shape)
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape.ToArray())}]");
        nint v;
        fixed (long* s = shape)
            Ort.Check(Ort.Api->CreateTensorAsOrtValue(Ort.Allocator, s, (nuint)shape.Length, (int)type, &v));
        var value = new Value(v);
        if (type != ElementType.String)
        {
            var d = value.Describe();
            long n = d.ElementCount * ElementTypes.Size(type);
            if (n > 0) NativeMemory.Clear(d.Data, (nuint)n);
        }
        return value;
    }

    /// <summary>A string tensor from concatenated UTF-8 and count+1 offsets; strings may hold any bytes, NUL too.</summary>
    public static Value FromStrings(ReadOnlySpan<byte> utf8, ReadOnlySpan<long> offsets, ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long d in shape) count *= d;
        if (offsets.Length != count + 1)
            throw new ArgumentException($"{offsets.Length - 1} strings given for shape [{string.Join(", ", shape.ToArray())}] ({count} elements)");
        var value = Allocate(shape, ElementType.String);
        try
        {
            var api = Ort.Api;
            fixed (byte* src = utf8)
                for (int i = 0; i < count; i++)
                {
                    long a = offsets[i], b = offsets[i + 1];
                    if (a < 0 || b < a || b > utf8.Length) throw new ArgumentException("string offsets are out of order or out of range");
                    byte* dst;
                    Ort.Check(api->GetResizedStringTensorElementBuffer(value._ptr, (nuint)i, (nuint)(b - a), &dst));
                    Buffer.MemoryCopy(src + a, dst, b - a, b - a);
                }
            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>A sequence of the given tensors (ORT copies them: the elements may go afterwards).</summary>
    public static Value Sequence(ReadOnlySpan<Value> elements)
    {
        if (elements.IsEmpty) throw new ArgumentException("a sequence input needs at least one element (ORT cannot type an empty one)");
        var ptrs = new nint[elements.Length];
        for (int i = 0; i < ptrs.Length; i++)
        {
            if (elements[i].Describe().Kind != ValueKind.Tensor) throw new ArgumentException($"sequence element {i} is not a tensor");
            ptrs[i] = elements[i].Pointer;
        }
        nint v;
        fixed (nint* p = ptrs)
            Ort.Check(Ort.Api->CreateValue(p, (nuint)ptrs.Length, (int)ValueKind.Sequence, &v));
        return new Value(v);
    }

    /// <summary>What a value holds: its kind and, for tensors, element type, shape and data.</summary>
    public readonly struct Description
    {
        /// <summary>Tensor, sequence, map, ...</summary>
        public ValueKind Kind { get; init; }
        /// <summary>Element type of a tensor.</summary>
        public ElementType ElementType { get; init; }
        /// <summary>The dimensions, owned by the value (valid while it lives).</summary>
        public long* Shape { get; init; }
        /// <summary>Number of dimensions.</summary>
        public int Rank { get; init; }
        /// <summary>The first element; null for strings and non-tensors.</summary>
        public void* Data { get; init; }
        /// <summary>The product of the dimensions.</summary>
        public long ElementCount { get; init; }
    }

    /// <summary>Describes this value without copying anything.</summary>
    public Description Describe() => Describe(Pointer);

    /// <summary>
    /// Describes a raw OrtValue* without copying anything. An empty optional (an OrtValue that holds nothing, as an
    /// optional output may) is described as Kind = <see cref="ValueKind.Optional"/>; an optional that holds a value
    /// is described as that value.
    /// </summary>
    public static Description Describe(nint v)
    {
        var api = Ort.Api;
        int elem;
        long* shape;
        nuint rank;
        int has;
        // First: ORT describes an empty optional by its type, and reading a tensor's shape from it dereferences null.
        Ort.Check(api->HasValue(v, &has));
        if (has == 0) return new Description { Kind = ValueKind.Optional };
        // Asked first because it costs nanoseconds for a tensor, where GetValueType builds a type description
        // (~200 ns); only a non-tensor fails it, and then GetValueType says what it is.
        nint status = api->GetTensorElementTypeAndShapeDataReference(v, &elem, &shape, &rank);
        if (status != 0)
        {
            api->ReleaseStatus(status);
            int kind;
            Ort.Check(api->GetValueType(v, &kind));
            if ((ValueKind)kind != ValueKind.Tensor) return new Description { Kind = (ValueKind)kind };
            Ort.Check(api->GetTensorElementTypeAndShapeDataReference(v, &elem, &shape, &rank));
        }
        long n = 1;
        for (nuint i = 0; i < rank; i++) n *= shape[i];
        void* data = null;
        if ((ElementType)elem != ElementType.String && n > 0) Ort.Check(api->GetTensorMutableData(v, &data));
        return new Description { Kind = ValueKind.Tensor, ElementType = (ElementType)elem, Shape = shape, Rank = (int)rank, Data = data, ElementCount = n };
    }

    /// <summary>
    /// The strings of a string tensor: concatenated UTF-8 and count+1 offsets, both in NativeMemory the caller frees.
    /// </summary>
    public void GetStrings(out byte* data, out long bytes, out long* offsets, out long count)
    {
        var api = Ort.Api;
        var d = Describe();
        if (d.Kind != ValueKind.Tensor || d.ElementType != ElementType.String) throw new ArgumentException("value is not a string tensor");
        nuint total;
        Ort.Check(api->GetStringTensorDataLength(_ptr, &total));
        count = d.ElementCount;
        data = (byte*)NativeMemory.Alloc(total == 0 ? 1 : total);
        offsets = (long*)NativeMemory.Alloc((nuint)(count + 1) * sizeof(long));
        try
        {
            if (count > 0)
                Ort.Check(api->GetStringTensorContent(_ptr, data, total, (nuint*)offsets, (nuint)count));
            offsets[count] = (long)total;
            bytes = (long)total;
        }
        catch
        {
            NativeMemory.Free(data);
            NativeMemory.Free(offsets);
            throw;
        }
    }

    /// <summary>Number of elements of a sequence, 2 for a map (keys, values).</summary>
    public long Count
    {
        get
        {
            nuint n;
            Ort.Check(Ort.Api->GetValueCount(Pointer, &n));
            return (long)n;
        }
    }

    /// <summary>Element <paramref name="index"/> of a sequence, or a map's keys (0) or values (1): a new value.</summary>
    public Value Element(long index)
    {
        long n = Count;
        if (index < 0 || index >= n) throw new ArgumentException($"index {index} is out of range for a value of {n} elements");
        nint v;
        Ort.Check(Ort.Api->GetValue(Pointer, (int)index, Ort.Allocator, &v));
        return new Value(v);
    }
}
