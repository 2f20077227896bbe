using System.Runtime.InteropServices;

namespace Aotml.Onnx;

/// <summary>
/// An OrtSession with its graph description read once at creation. Immutable afterwards, so any number of threads
/// may run it at once (ORT's Run is thread-safe); the UTF-8 names ORT wants on every run are kept in native memory.
/// </summary>
public sealed unsafe class InferenceSession : IDisposable
{
    private nint _session;              // OrtSession*
    private readonly byte** _inputNames;
    private readonly byte** _outputNames;
    private readonly Value[] _initializers;  // SessionOptions.add_initializer values: ORT reads them in place while the session lives
    private readonly int _requiredInputs;   // inputs a run must feed: an optional one left out is an empty optional

    /// <summary>Graph inputs (initializers excluded), in model order.</summary>
    public NodeArg[] Inputs { get; }
    /// <summary>Graph outputs, in model order.</summary>
    public NodeArg[] Outputs { get; }
    /// <summary>Initializers a run may override by feeding a value under their name.</summary>
    public NodeArg[] OverridableInitializers { get; }
    /// <summary>The model's metadata.</summary>
    public ModelMetadata Metadata { get; }
    /// <summary>The execution providers registered for this session, in priority order.</summary>
    public string[] Providers { get; }

    /// <summary>Loads a model from a file.</summary>
    public static InferenceSession FromFile(string path, SessionSettings settings)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(Directory.Exists(path) ? $"'{path}' is a directory, not an ONNX model file" : $"ONNX model file '{path}' does not exist", path);
        return new InferenceSession(path, default, settings);
    }

    /// <summary>Loads a model from its serialized bytes (ORT copies what it needs; the span may go afterwards).</summary>
    public static InferenceSession FromBytes(ReadOnlySpan<byte> model, SessionSettings settings)
    {
        if (model.IsEmpty) throw new ArgumentException("the model bytes are empty");
        return new InferenceSession(null, model, settings);
    }

    private InferenceSession(string? path, ReadOnlySpan<byte> model, SessionSettings settings)
    {
        var api = Ort.Api;
        var (initializers, initializerNames) = settings.TakeInitializers();
        _initializers = initializers;
        nint options;
        try { options = settings.Create(out var providers, initializers, initializerNames); Providers = providers; }
        catch
        {
            foreach (var v in initializers) v.Dispose();
            throw;
        }
        try
        {
            nint s;
            if (path != null)
            {
                using var p = new Utf8String(path);
                Ort.Check(api->CreateSession(Ort.Env, p.Ptr, options, &s));
            }
            else
            {
                fixed (byte* m = model)
                    Ort.Check(api->CreateSessionFromArray(Ort.Env, m, (nuint)model.Length, options, &s));
            }
            _session = s;
        }
        catch
        {
            foreach (var v in _initializers) v.Dispose();
            throw;
        }
        finally
        {
            api->ReleaseSessionOptions(options);
        }
        try
        {
            Inputs = ReadArgs(api->SessionGetInputCount, api->SessionGetInputName, api->SessionGetInputTypeInfo);
            Outputs = ReadArgs(api->SessionGetOutputCount, api->SessionGetOutputName, api->SessionGetOutputTypeInfo);
            OverridableInitializers = ReadArgs(api->SessionGetOverridableInitializerCount, api->SessionGetOverridableInitializerName,
                api->SessionGetOverridableInitializerTypeInfo);
            Metadata = ReadMetadata();
            _inputNames = NameArray(Inputs, OverridableInitializers);
            _outputNames = NameArray(Outputs, []);
            _requiredInputs = Inputs.Count(a => a.Kind != ValueKind.Optional);
        }
        catch
        {
            api->ReleaseSession(_session);
            foreach (var v in _initializers) v.Dispose();
            throw;
        }
    }

    private NodeArg[] ReadArgs(delegate* unmanaged[Cdecl]<nint, nuint*, nint> count,
        delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> name,
        delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> typeInfo)
    {
        nuint n;
        Ort.Check(count(_session, &n));
        var result = new NodeArg[(int)n];
        for (nuint i = 0; i < n; i++)
        {
            byte* s;
            Ort.Check(name(_session, i, Ort.Allocator, &s));
            string argName = Ort.TakeString(s);
            nint info;
            Ort.Check(typeInfo(_session, i, &info));
            try { result[i] = NodeArg.FromTypeInfo(argName, info); }
            finally { Ort.Api->ReleaseTypeInfo(info); }
        }
        return result;
    }

    private ModelMetadata ReadMetadata()
    {
        var api = Ort.Api;
        nint meta;
        Ort.Check(api->SessionGetModelMetadata(_session, &meta));
        nint m = meta;
        try
        {
            string Get(delegate* unmanaged[Cdecl]<nint, nint, byte**, nint> f)
            {
                byte* s;
                Ort.Check(f(m, Ort.Allocator, &s));
                return Ort.TakeString(s);
            }
            long version;
            Ort.Check(api->ModelMetadataGetVersion(m, &version));
            byte** keys;
            long nkeys;
            Ort.Check(api->ModelMetadataGetCustomMetadataMapKeys(m, Ort.Allocator, &keys, &nkeys));
            var map = new Dictionary<string, string>();
            if (keys != null)
            {
                try
                {
                    for (long i = 0; i < nkeys; i++)
                    {
                        string key = Marshal.PtrToStringUTF8((nint)keys[i]) ?? "";
                        byte* value;
                        Ort.Check(api->ModelMetadataLookupCustomMetadataMap(m, Ort.Allocator, keys[i], &value));
                        map[key] = Ort.TakeString(value);
                    }
                }
                finally
                {
                    for (long i = 0; i < nkeys; i++) Ort.Check(api->AllocatorFree(Ort.Allocator, keys[i]));
                    Ort.Check(api->AllocatorFree(Ort.Allocator, keys));
                }
            }
            return new ModelMetadata(Get(api->ModelMetadataGetProducerName), Get(api->ModelMetadataGetGraphName),
                Get(api->ModelMetadataGetDomain), Get(api->ModelMetadataGetDescription), Get(api->ModelMetadataGetGraphDescription),
                version, map);
        }
        finally
        {
            api->ReleaseModelMetadata(m);
        }
    }

    // Inputs first, then overridable initializers: an input index past Inputs.Length names an initializer.
    private static byte** NameArray(NodeArg[] first, NodeArg[] second)
    {
        int n = first.Length + second.Length;
        var names = (byte**)NativeMemory.AllocZeroed((nuint)Math.Max(n, 1), (nuint)sizeof(byte*));
        for (int i = 0; i < n; i++) names[i] = Ort.Utf8(i < first.Length ? first[i].Name : second[i - first.Length].Name);
        return names;
    }

    /// <summary>The OrtSession*.</summary>
    public nint Pointer => _session != 0 ? _session : throw new ObjectDisposedException(nameof(InferenceSession));

    /// <summary>The argument an input index names: an input, or past them an overridable initializer.</summary>
    public NodeArg InputArg(int index) =>
        (uint)index < (uint)Inputs.Length ? Inputs[index]
        : (uint)(index - Inputs.Length) < (uint)OverridableInitializers.Length ? OverridableInitializers[index - Inputs.Length]
        : throw new ArgumentException($"input index {index} is out of range: the model has {Inputs.Length} inputs and {OverridableInitializers.Length} overridable initializers");

    /// <summary>
    /// Checks that a tensor of <paramref name="type"/> and <paramref name="shape"/> fits input <paramref name="index"/>;
    /// throws ArgumentException naming the input and what it expects. <paramref name="givenName"/> names the caller's type.
    /// </summary>
    public void CheckInput(int index, ElementType type, ReadOnlySpan<long> shape, string? givenName = null)
    {
        var arg = InputArg(index);
        if (!arg.TakesTensor)
            throw new ArgumentException($"input '{arg.Name}' expects {arg.Type}, given a tensor");
        if (arg.ElementType != type)
            throw new ArgumentException(
                $"input '{arg.Name}' expects {arg.Type} (numpy {ElementTypes.NumpyName(arg.ElementType)}), given {givenName ?? ElementTypes.NumpyName(type)}; convert it, e.g. x.astype(numpy.{NumpyCast(arg.ElementType)})");
        // ORT's own rule (InferenceSession::ValidateInputs): a declared shape of rank 0 (a scalar, or a shape the
        // model leaves unknown) checks nothing, so a scalar input takes [1] or [1, 1]; otherwise ranks must agree
        // and every fixed dimension must match.
        var dims = arg.Dims;
        if (dims == null || dims.Length == 0) return;
        bool bad = dims.Length != shape.Length;
        for (int i = 0; !bad && i < dims.Length; i++) bad = dims[i] >= 0 && dims[i] != shape[i];
        if (bad)
            throw new ArgumentException(
                $"input '{arg.Name}' expects shape {arg.ShapeText()} (rank {dims.Length}), given shape [{string.Join(",", shape.ToArray())}] (rank {shape.Length})");
    }

    private static string NumpyCast(ElementType t) => t switch
    {
        ElementType.String => "str_",
        ElementType.BFloat16 => "uint16",
        ElementType.Bool => "bool_",
        _ => ElementTypes.NumpyName(t),
    };

    /// <summary>
    /// Runs the model. <paramref name="inputIndex"/>[i] names the input (see <see cref="InputArg"/>) fed with the
    /// OrtValue* <paramref name="inputs"/>[i]; <paramref name="outputs"/>[j] receives a new OrtValue* for output
    /// <paramref name="outputIndex"/>[j], owned by the caller. Nothing is written to <paramref name="outputs"/> on failure.
    /// </summary>
    public void Run(RunOptions? options, ReadOnlySpan<int> inputIndex, ReadOnlySpan<nint> inputs, ReadOnlySpan<int> outputIndex, Span<nint> outputs)
    {
        if (inputIndex.Length != inputs.Length || outputIndex.Length != outputs.Length) throw new ArgumentException("index and value counts differ");
        int nIn = inputIndex.Length, nOut = outputIndex.Length;
        int total = Inputs.Length + OverridableInitializers.Length;
        // Every required input fed exactly once: checked here because ORT's own message for a missing one does not list the others.
        ulong seenSmall = 0;
        bool[]? seen = total > 64 ? new bool[total] : null;
        int required = 0;
        for (int i = 0; i < nIn; i++)
        {
            int k = inputIndex[i];
            if ((uint)k >= (uint)total) _ = InputArg(k);
            bool dup = seen != null ? seen[k] : (seenSmall >> k & 1) != 0;
            if (dup) throw new ArgumentException($"input '{InputArg(k).Name}' is given twice");
            if (seen != null) seen[k] = true; else seenSmall |= 1UL << k;
            if (k < Inputs.Length && Inputs[k].Kind != ValueKind.Optional) required++;
        }
        if (required != _requiredInputs) throw MissingInputs(seen, seenSmall);
        if (nOut == 0) throw new ArgumentException("no outputs requested");

        byte** inNames = stackalloc byte*[Math.Max(nIn, 1)];
        byte** outNames = stackalloc byte*[nOut];
        nint* outValues = stackalloc nint[nOut];
        for (int i = 0; i < nIn; i++) inNames[i] = _inputNames[inputIndex[i]];
        for (int j = 0; j < nOut; j++)
        {
            int k = outputIndex[j];
            if ((uint)k >= (uint)Outputs.Length) throw new ArgumentException($"output index {k} is out of range: the model has {Outputs.Length} outputs");
            outNames[j] = _outputNames[k];
            outValues[j] = 0;
        }
        nint status;
        fixed (nint* inValues = inputs)
            status = Ort.Api->Run(Pointer, options == null ? 0 : options.Pointer, inNames, inValues, (nuint)nIn, outNames, (nuint)nOut, outValues);
        if (status != 0)
        {
            for (int j = 0; j < nOut; j++) if (outValues[j] != 0) Ort.Api->ReleaseValue(outValues[j]);
            CheckRunStatus(status, options);
        }
        for (int j = 0; j < nOut; j++) outputs[j] = outValues[j];
    }

    /// <summary>Runs with an IoBinding: inputs and outputs as bound.</summary>
    public void Run(RunOptions? options, IoBinding binding)
    {
        nint status = Ort.Api->RunWithBinding(Pointer, options == null ? 0 : options.Pointer, binding.Pointer);
        if (status != 0) CheckRunStatus(status, options);
    }

    private static void CheckRunStatus(nint status, RunOptions? options)
    {
        try { Ort.Check(status); }
        catch (OnnxRuntimeException e) when (options is { Terminate: true })
        {
            throw new OperationCanceledException($"the run was terminated through RunOptions.terminate ({e.Message})", e);
        }
    }

    private ArgumentException MissingInputs(bool[]? seen, ulong seenSmall)
    {
        var missing = new List<string>();
        for (int k = 0; k < Inputs.Length; k++)
            if (Inputs[k].Kind != ValueKind.Optional && !(seen != null ? seen[k] : (seenSmall >> k & 1) != 0)) missing.Add($"'{Inputs[k].Name}'");
        return new ArgumentException(
            $"missing input{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}; the model's inputs are: {string.Join("; ", Inputs.Select(a => a.Describe()))}");
    }

    /// <summary>When ORT's profiler started for this session, in nanoseconds of ORT's clock (0 when profiling is off).</summary>
    public ulong ProfilingStartNs
    {
        get
        {
            ulong ns;
            Ort.Check(Ort.Api->SessionGetProfilingStartTimeNs(Pointer, &ns));
            return ns;
        }
    }

    /// <summary>Ends profiling and returns the profile file's name.</summary>
    public string EndProfiling()
    {
        byte* s;
        Ort.Check(Ort.Api->SessionEndProfiling(Pointer, Ort.Allocator, &s));
        return Ort.TakeString(s);
    }

    /// <summary>Releases the session; no run may be in flight.</summary>
    public void Dispose()
    {
        nint s = Interlocked.Exchange(ref _session, 0);
        if (s == 0) return;
        Ort.Api->ReleaseSession(s);
        foreach (var v in _initializers) v.Dispose();
        int n = Inputs.Length + OverridableInitializers.Length;
        for (int i = 0; i < n; i++) NativeMemory.Free(_inputNames[i]);
        for (int i = 0; i < Outputs.Length; i++) NativeMemory.Free(_outputNames[i]);
        NativeMemory.Free(_inputNames);
        NativeMemory.Free(_outputNames);
    }
}
