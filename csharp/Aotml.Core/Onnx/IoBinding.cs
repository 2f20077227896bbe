namespace Aotml.Onnx;

/// <summary>
/// OrtIoBinding: inputs and outputs bound by name ahead of a run, so repeated runs reuse them. Bound values are
/// referenced until cleared or replaced, so an output bound to a caller's preallocated tensor is written in place.
/// Not for concurrent use: one binding per thread.
/// </summary>
public sealed unsafe class IoBinding : IDisposable
{
    private nint _ptr;   // OrtIoBinding*
    private readonly Dictionary<string, Value> _inputs = [];
    private readonly Dictionary<string, Value> _outputs = [];

    /// <summary>The session this binding runs.</summary>
    public InferenceSession Session { get; }

    /// <summary>Creates an empty binding for <paramref name="session"/>.</summary>
    public IoBinding(InferenceSession session)
    {
        Session = session;
        nint p;
        Ort.Check(Ort.Api->CreateIoBinding(session.Pointer, &p));
        _ptr = p;
    }

    /// <summary>The OrtIoBinding*.</summary>
    public nint Pointer => _ptr != 0 ? _ptr : throw new ObjectDisposedException(nameof(IoBinding));

    /// <summary>Binds an input (the binding takes its own reference to <paramref name="value"/>).</summary>
    public void BindInput(string name, Value value)
    {
        using var n = new Utf8String(name);
        Ort.Check(Ort.Api->BindInput(Pointer, n.Ptr, value.Pointer));
        Keep(_inputs, name, value);
    }

    /// <summary>Binds an output to a caller's tensor, or with null to CPU memory ORT allocates at run time.</summary>
    public void BindOutput(string name, Value? value)
    {
        using var n = new Utf8String(name);
        if (value != null)
        {
            Ort.Check(Ort.Api->BindOutput(Pointer, n.Ptr, value.Pointer));
            Keep(_outputs, name, value);
        }
        else
        {
            Ort.Check(Ort.Api->BindOutputToDevice(Pointer, n.Ptr, Ort.CpuMemory));
            if (_outputs.Remove(name, out var old)) old.Dispose();
        }
    }

    private static void Keep(Dictionary<string, Value> map, string name, Value value)
    {
        value.AddRef();
        if (map.Remove(name, out var old)) old.Dispose();
        map[name] = value;
    }

    /// <summary>Unbinds every input.</summary>
    public void ClearInputs()
    {
        Ort.Api->ClearBoundInputs(Pointer);
        foreach (var v in _inputs.Values) v.Dispose();
        _inputs.Clear();
    }

    /// <summary>Unbinds every output.</summary>
    public void ClearOutputs()
    {
        Ort.Api->ClearBoundOutputs(Pointer);
        foreach (var v in _outputs.Values) v.Dispose();
        _outputs.Clear();
    }

    /// <summary>The outputs of the last run, in binding order, each a new reference the caller disposes.</summary>
    public Value[] Outputs()
    {
        var api = Ort.Api;
        nint* values;
        nuint count;
        Ort.Check(api->GetBoundOutputValues(Pointer, Ort.Allocator, &values, &count));
        if (values == null) return [];
        var result = new Value[(int)count];
        try
        {
            for (int i = 0; i < (int)count; i++) { result[i] = new Value(values[i]); values[i] = 0; }
        }
        finally
        {
            for (int i = 0; i < (int)count; i++) if (values[i] != 0) api->ReleaseValue(values[i]);
            Ort.Check(api->AllocatorFree(Ort.Allocator, values));
        }
        return result;
    }

    /// <summary>Releases the binding and its references.</summary>
    public void Dispose()
    {
        nint p = Interlocked.Exchange(ref _ptr, 0);
        if (p == 0) return;
        Ort.Api->ReleaseIoBinding(p);
        foreach (var v in _inputs.Values) v.Dispose();
        foreach (var v in _outputs.Values) v.Dispose();
        _inputs.Clear();
        _outputs.Clear();
    }
}
