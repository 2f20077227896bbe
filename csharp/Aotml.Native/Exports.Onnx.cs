using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Aotml.Onnx;

namespace Aotml.Native.Exports;

/// <summary>ONNX Runtime sessions, values, run options and bindings behind handles.</summary>
/// <remarks>
/// Performance notes for aotml_onnx_session_run (Y = X + 1 on float32[1,16]: bare C on the ORT C API ≈ 2.3 µs per
/// call; this export ≈ +0.33 µs over it when driven from C; Python's run ≈ +1.3 µs over it, see bench/inference.py):
/// - GetValueType builds a type description (~200 ns): outputs are described with
///   GetTensorElementTypeAndShapeDataReference first, which only fails for non-tensors.
/// - No allocation per input: the buffer format is read as bytes, error texts are built only on failure.
/// - The ORT entries on this path that only touch memory skip the GC transition (SuppressGCTransition).
/// - AOTML_ONNX_RAW_OUTPUTS hands back bare OrtValue* so the Python extension needs no GCHandle per output; its
///   numpy arrays are made through numpy's C-API table, with the OrtValue's owner as their base.
/// </remarks>
internal static unsafe class Onnx
{
    private static string Utf8(byte* s, long n) => n == 0 ? "" : Encoding.UTF8.GetString(s, checked((int)n));

    private static byte* Alloc(ReadOnlySpan<byte> bytes, out long length)
    {
        byte* p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        length = bytes.Length;
        return p;
    }

    /// <summary>int32_t aotml_onnx_providers(char** names, int64_t* length): NUL-separated names, freed with aotml_free.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_providers")]
    public static int Providers(byte** names, long* length)
    {
        try
        {
            *names = Alloc(Encoding.UTF8.GetBytes(string.Join('\0', Ort.AvailableProviders())), out *length);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_session_new(const char* path, int64_t path_len, const void* model, int64_t model_len,
    /// const char* options, int64_t options_len, void** session): from a file (path != NULL) or from bytes; options are
    /// NUL-terminated key and value strings.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_session_new")]
    public static int SessionNew(byte* path, long pathLen, byte* model, long modelLen, byte* options, long optionsLen, nint* session)
    {
        try
        {
            if (session == null) throw new ArgumentNullException(nameof(session));
            var settings = SessionSettings.Parse(new ReadOnlySpan<byte>(options, checked((int)optionsLen)));
            var s = path != null
                ? InferenceSession.FromFile(Utf8(path, pathLen), settings)
                : InferenceSession.FromBytes(new ReadOnlySpan<byte>(model, checked((int)modelLen)), settings);
            *session = Handles.New(s);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_session_new_with_initializers(const char* path, int64_t path_len, const void* model,
    /// int64_t model_len, const char* options, int64_t options_len, const uint8_t** names, const int64_t* names_lens,
    /// int64_t n_names, void** values, int64_t n_values, void** session): aotml_onnx_session_new with initializers
    /// supplied by name (value handles of tensors); the session holds a reference to each value while it lives.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_session_new_with_initializers")]
    public static int SessionNewWithInitializers(byte* path, long pathLen, byte* model, long modelLen, byte* options, long optionsLen,
        byte** names, long* namesLens, long nNames, nint* values, long nValues, nint* session)
    {
        try
        {
            if (session == null) throw new ArgumentNullException(nameof(session));
            if (nNames != nValues) throw new ArgumentException($"{nNames} initializer names for {nValues} values");
            if (nNames < 0 || (nNames > 0 && (names == null || namesLens == null || values == null))) throw new ArgumentException("invalid initializers");
            var settings = SessionSettings.Parse(new ReadOnlySpan<byte>(options, checked((int)optionsLen)));
            // Every handle is resolved before the settings take references, so a bad one leaves nothing behind.
            var items = new Value[nNames];
            for (long i = 0; i < nNames; i++) items[i] = Handles.Get<Value>(values[i]);
            for (long i = 0; i < nNames; i++) settings.AddInitializer(Utf8(names[i], namesLens[i]), items[i]);
            InferenceSession s;
            try
            {
                s = path != null
                    ? InferenceSession.FromFile(Utf8(path, pathLen), settings)
                    : InferenceSession.FromBytes(new ReadOnlySpan<byte>(model, checked((int)modelLen)), settings);
            }
            catch
            {
                settings.ReleaseInitializers();
                throw;
            }
            *session = Handles.New(s);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_build_info(char** info, int64_t* length): ONNX Runtime's build description (aotml_free).</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_build_info")]
    public static int BuildInfo(byte** info, long* length)
    {
        try
        {
            *info = Alloc(Encoding.UTF8.GetBytes(Ort.BuildInfo), out *length);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_session_profiling_start_ns(void* session, int64_t* ns): when profiling started (0: off).</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_session_profiling_start_ns")]
    public static int ProfilingStartNs(nint session, long* ns)
    {
        try
        {
            if (ns == null) throw new ArgumentNullException(nameof(ns));
            *ns = (long)Handles.Get<InferenceSession>(session).ProfilingStartNs;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_session_info(void* session, char** json, int64_t* length): inputs, outputs, metadata, providers as JSON.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_session_info")]
    public static int SessionInfo(nint session, byte** json, long* length)
    {
        try
        {
            var s = Handles.Get<InferenceSession>(session);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                WriteArgs(w, "inputs", s.Inputs);
                WriteArgs(w, "outputs", s.Outputs);
                WriteArgs(w, "overridable_initializers", s.OverridableInitializers);
                w.WriteStartObject("metadata");
                var m = s.Metadata;
                w.WriteString("producer_name", m.ProducerName);
                w.WriteString("graph_name", m.GraphName);
                w.WriteString("domain", m.Domain);
                w.WriteString("description", m.Description);
                w.WriteString("graph_description", m.GraphDescription);
                w.WriteNumber("version", m.Version);
                w.WriteStartObject("custom_metadata_map");
                foreach (var (k, v) in m.CustomMetadataMap) w.WriteString(k, v);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteStartArray("providers");
                foreach (var p in s.Providers) w.WriteStringValue(p);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            *json = Alloc(buffer.WrittenSpan, out *length);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    private static void WriteArgs(Utf8JsonWriter w, string name, NodeArg[] args)
    {
        w.WriteStartArray(name);
        foreach (var a in args)
        {
            w.WriteStartObject();
            w.WriteString("name", a.Name);
            w.WriteString("type", a.Type);
            w.WriteNumber("kind", (int)a.Kind);
            w.WriteNumber("elem_type", (int)a.ElementType);
            if (a.Dims == null) w.WriteNull("shape");
            else
            {
                w.WriteStartArray("shape");
                for (int i = 0; i < a.Dims.Length; i++)
                {
                    if (a.Dims[i] >= 0) w.WriteNumberValue(a.Dims[i]);
                    else if (!string.IsNullOrEmpty(a.SymbolicDims?[i])) w.WriteStringValue(a.SymbolicDims[i]);
                    else w.WriteNullValue();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>
    /// int32_t aotml_onnx_session_run(void* session, void* run_options, int32_t n_inputs, const int32_t* input_index,
    /// const aotml_buffer* input_buffers, void* const* input_values, int32_t n_outputs, const int32_t* output_index,
    /// int32_t flags, aotml_onnx_value* outputs): input i is input_values[i] (a value handle) when that is not NULL,
    /// else a tensor read in place from input_buffers[i]. On success each outputs[j].handle is the caller's to free:
    /// a value handle, or with flags & AOTML_ONNX_RAW_OUTPUTS the bare OrtValue* (aotml_onnx_value_release, or
    /// aotml_onnx_value_adopt for a handle), which spares the per-output handle on the hot path.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_session_run")]
    public static int SessionRun(nint session, nint runOptions, int nInputs, int* inputIndex, AotmlBuffer* inputBuffers,
        nint* inputValues, int nOutputs, int* outputIndex, int flags, AotmlOnnxValue* outputs)
    {
        try
        {
            var s = Handles.Get<InferenceSession>(session);
            var ro = runOptions == 0 ? null : Handles.Get<RunOptions>(runOptions);
            if (nInputs < 0 || nOutputs <= 0 || outputs == null) throw new ArgumentException("invalid input or output count");
            // Raw OrtValue* for the call: the ones created over caller buffers are released on the way out.
            Span<nint> values = nInputs <= 16 ? stackalloc nint[nInputs] : new nint[nInputs];
            Span<bool> owned = nInputs <= 16 ? stackalloc bool[nInputs] : new bool[nInputs];
            Span<nint> results = nOutputs <= 16 ? stackalloc nint[nOutputs] : new nint[nOutputs];
            try
            {
                for (int i = 0; i < nInputs; i++)
                {
                    int k = inputIndex[i];
                    if (inputValues != null && inputValues[i] != 0)
                    {
                        var v = Handles.Get<Value>(inputValues[i]);
                        var d = v.Describe();
                        if (d.Kind == ValueKind.Tensor)
                            s.CheckInput(k, d.ElementType, new ReadOnlySpan<long>(d.Shape, d.Rank), ElementTypes.NumpyName(d.ElementType));
                        values[i] = v.Pointer;
                        continue;
                    }
                    var b = inputBuffers + i;
                    var arg = s.InputArg(k);
                    var shape = OnnxBuffers.CheckedShape(b, "input", arg.Name);
                    var type = OnnxBuffers.TypeOf(b);
                    // bfloat16 has no numpy dtype: it travels as uint16 bit patterns.
                    if (type == ElementType.UInt16 && arg.ElementType == ElementType.BFloat16) type = ElementType.BFloat16;
                    if (type == ElementType.Undefined || type != arg.ElementType) s.CheckInput(k, type, shape, OnnxBuffers.TypeName(b, type));
                    else s.CheckInput(k, type, shape);
                    values[i] = OnnxBuffers.Over(b, shape, type);
                    owned[i] = true;
                }
                s.Run(ro, new ReadOnlySpan<int>(inputIndex, nInputs), values, new ReadOnlySpan<int>(outputIndex, nOutputs), results);
            }
            finally
            {
                for (int i = 0; i < nInputs; i++) if (owned[i] && values[i] != 0) Value.Release(values[i]);
            }
            bool raw = (flags & RawOutputs) != 0;
            int done = 0;
            try
            {
                for (; done < nOutputs; done++)
                {
                    if (raw)
                    {
                        AotmlOnnxValue.FillRaw(outputs + done, results[done]);
                        results[done] = 0;
                        continue;
                    }
                    var v = new Value(results[done]);
                    results[done] = 0;
                    try { AotmlOnnxValue.Fill(outputs + done, v); }
                    catch { v.Dispose(); throw; }
                }
            }
            catch
            {
                for (int j = 0; j < done; j++) if (raw) Value.Release(outputs[j].Handle); else Handles.Free(outputs[j].Handle);
                for (int j = done; j < nOutputs; j++) if (results[j] != 0) Value.Release(results[j]);
                throw;
            }
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>AOTML_ONNX_RAW_OUTPUTS: session_run hands back bare OrtValue* instead of value handles.</summary>
    public const int RawOutputs = 1;

    /// <summary>int32_t aotml_onnx_value_release(void* ort_value): releases a bare OrtValue* from a raw-output run.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_release")]
    public static int ValueRelease(nint ortValue)
    {
        Value.Release(ortValue);   // ORT's release cannot fail
        return 0;
    }

    /// <summary>int32_t aotml_onnx_value_adopt(void* ort_value, void** handle): a value handle that owns a bare OrtValue*.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_adopt")]
    public static int ValueAdopt(nint ortValue, nint* handle)
    {
        try { *handle = Handles.New(new Value(ortValue)); return 0; }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_session_end_profiling(void* session, char** path, int64_t* length): the profile file; aotml_free.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_session_end_profiling")]
    public static int EndProfiling(nint session, byte** path, long* length)
    {
        try
        {
            *path = Alloc(Encoding.UTF8.GetBytes(Handles.Get<InferenceSession>(session).EndProfiling()), out *length);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_run_options_new(void** run_options)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_run_options_new")]
    public static int RunOptionsNew(nint* runOptions)
    {
        try { *runOptions = Handles.New(new RunOptions()); return 0; }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_run_options_set(void* run_options, const char* key, int64_t key_len, const char* value, int64_t value_len)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_run_options_set")]
    public static int RunOptionsSet(nint runOptions, byte* key, long keyLen, byte* value, long valueLen)
    {
        try { Handles.Get<RunOptions>(runOptions).Set(Utf8(key, keyLen), Utf8(value, valueLen)); return 0; }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_run_options_terminate(void* run_options, int32_t terminate): callable from any thread.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_run_options_terminate")]
    public static int RunOptionsTerminate(nint runOptions, int terminate)
    {
        try { Handles.Get<RunOptions>(runOptions).Terminate = terminate != 0; return 0; }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_value_from_buffer(const aotml_buffer* buffer, int32_t elem_type, aotml_onnx_value* value):
    /// a tensor over the buffer's memory (elem_type 0: from its format; 16: a uint16 buffer read as bfloat16). The
    /// caller keeps the buffer alive while the value lives.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_from_buffer")]
    public static int ValueFromBuffer(AotmlBuffer* buffer, int elemType, AotmlOnnxValue* value)
    {
        try
        {
            var shape = OnnxBuffers.CheckedShape(buffer, "the array");
            var type = OnnxBuffers.TypeOf(buffer);
            string given = OnnxBuffers.TypeName(buffer, type);
            if (elemType == (int)ElementType.BFloat16 && type == ElementType.UInt16) type = ElementType.BFloat16;
            else if (elemType != 0 && elemType != (int)type)
                throw new ArgumentException($"the array has dtype {given}, not {ElementTypes.NumpyName((ElementType)elemType)}");
            if (type == ElementType.Undefined) throw new ArgumentException($"arrays of {given} cannot be ONNX tensors");
            AotmlOnnxValue.Fill(value, new Value(OnnxBuffers.Over(buffer, shape, type)));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_value_from_pointer(void* data, const int64_t* shape, int32_t ndim, int32_t elem_type,
    /// aotml_onnx_value* value): a tensor over raw caller memory (IOBinding.bind_input with a buffer_ptr).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_from_pointer")]
    public static int ValueFromPointer(void* data, long* shape, int ndim, int elemType, AotmlOnnxValue* value)
    {
        try
        {
            var t = (ElementType)elemType;
            int size = ElementTypes.Size(t);
            if (size == 0) throw new ArgumentException($"element type {ElementTypes.Name(t)} cannot be bound from a raw pointer");
            if (ndim < 0) throw new ArgumentException("negative ndim");
            var s = new ReadOnlySpan<long>(shape, ndim);
            long n = 1;
            foreach (long d in s) { if (d < 0) throw new ArgumentException("negative dimension"); n *= d; }
            if (data == null && n != 0) throw new ArgumentException("null buffer pointer");
            AotmlOnnxValue.Fill(value, new Value(Value.CreateOver(data, n * size, s, t)));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_value_new(const int64_t* shape, int32_t ndim, int32_t elem_type, aotml_onnx_value* value): ORT-allocated, zeroed.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_new")]
    public static int ValueNew(long* shape, int ndim, int elemType, AotmlOnnxValue* value)
    {
        try
        {
            if (ndim < 0) throw new ArgumentException("negative ndim");
            if (elemType <= 0 || elemType > (int)ElementType.Int4) throw new ArgumentException($"unknown element type {elemType}");
            AotmlOnnxValue.Fill(value, Value.Allocate(new ReadOnlySpan<long>(shape, ndim), (ElementType)elemType));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_value_from_strings(const char* utf8, int64_t utf8_len, const int64_t* offsets,
    /// int64_t n_offsets, const int64_t* shape, int32_t ndim, aotml_onnx_value* value): a string tensor; element i is
    /// utf8[offsets[i]:offsets[i+1]]; n_offsets must be the element count + 1, the offsets ascending within utf8.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_from_strings")]
    public static int ValueFromStrings(byte* utf8, long utf8Len, long* offsets, long nOffsets, long* shape, int ndim, AotmlOnnxValue* value)
    {
        try
        {
            if (ndim < 0 || (shape == null && ndim > 0)) throw new ArgumentException("invalid shape");
            var s = new ReadOnlySpan<long>(shape, ndim);
            long count = 1;
            foreach (long d in s) { if (d < 0) throw new ArgumentException("negative dimension"); count = checked(count * d); }
            if (nOffsets != count + 1 || offsets == null) throw new ArgumentException("string offsets do not match the shape");
            if (utf8Len < 0 || utf8Len > int.MaxValue || (utf8 == null && utf8Len > 0)) throw new ArgumentException("invalid string bytes");
            var off = new ReadOnlySpan<long>(offsets, checked((int)nOffsets));
            for (int i = 0; i < count; i++)
                if (off[i] < 0 || off[i + 1] < off[i] || off[i + 1] > utf8Len) throw new ArgumentException("string offsets out of range");
            AotmlOnnxValue.Fill(value, Value.FromStrings(new ReadOnlySpan<byte>(utf8, (int)utf8Len), off, s));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_value_sequence(void** elements, int64_t count, aotml_onnx_value* value): a sequence of the
    /// tensors behind the element handles (copied by ORT).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_sequence")]
    public static int ValueSequence(nint* elements, long count, AotmlOnnxValue* value)
    {
        try
        {
            if (count < 0 || (elements == null && count > 0)) throw new ArgumentException("invalid sequence elements");
            var items = new Value[count];
            for (long i = 0; i < count; i++) items[i] = Handles.Get<Value>(elements[i]);
            AotmlOnnxValue.Fill(value, Value.Sequence(items));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_value_empty_sequence(int32_t elem_type, aotml_onnx_value* value): a sequence of no tensors of elem_type.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_empty_sequence")]
    public static int ValueEmptySequence(int elemType, AotmlOnnxValue* value)
    {
        try
        {
            var v = EmptySequence.Create((ElementType)elemType);
            try { AotmlOnnxValue.Fill(value, v); }
            catch { v.Dispose(); throw; }
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_value_strings(void* value, char** utf8, int64_t** offsets, int64_t* count): the strings of a
    /// string tensor as concatenated UTF-8 and count+1 offsets, both freed with aotml_free.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_strings")]
    public static int ValueStrings(nint value, byte** utf8, long** offsets, long* count)
    {
        try
        {
            Handles.Get<Value>(value).GetStrings(out *utf8, out _, out *offsets, out *count);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_value_describe(void* value, aotml_onnx_value* out): what the value holds; out->handle is a
    /// new reference to it (a numpy view keeps the value alive through it).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_describe")]
    public static int ValueDescribe(nint value, AotmlOnnxValue* o)
    {
        try
        {
            var v = Handles.Get<Value>(value).AddRef();
            try { AotmlOnnxValue.Fill(o, v); }
            catch { v.Dispose(); throw; }
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_value_count(void* value, int64_t* count): elements of a sequence; 2 for a map.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_count")]
    public static int ValueCount(nint value, long* count)
    {
        try { *count = Handles.Get<Value>(value).Count; return 0; }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_value_element(void* value, int64_t index, aotml_onnx_value* out): a sequence element, or a map's keys (0) / values (1).</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_value_element")]
    public static int ValueElement(nint value, long index, AotmlOnnxValue* o)
    {
        try { AotmlOnnxValue.Fill(o, Handles.Get<Value>(value).Element(index)); return 0; }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_binding_new(void* session, void** binding)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_binding_new")]
    public static int BindingNew(nint session, nint* binding)
    {
        try { *binding = Handles.New(new IoBinding(Handles.Get<InferenceSession>(session))); return 0; }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_binding_bind(void* binding, int32_t output, const char* name, int64_t name_len, void* value):
    /// binds an input or output to a value handle; an output with value NULL goes to CPU memory ORT allocates.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_binding_bind")]
    public static int BindingBind(nint binding, int output, byte* name, long nameLen, nint value)
    {
        try
        {
            var b = Handles.Get<IoBinding>(binding);
            string n = Utf8(name, nameLen);
            var args = output != 0 ? b.Session.Outputs : b.Session.Inputs.Concat(b.Session.OverridableInitializers).ToArray();
            if (!args.Any(a => a.Name == n))
                throw new ArgumentException($"'{n}' is not an {(output != 0 ? "output" : "input")} of the model; expected one of: {string.Join("; ", args.Select(a => a.Describe()))}");
            var v = value == 0 ? null : Handles.Get<Value>(value);
            if (output != 0) b.BindOutput(n, v);
            else b.BindInput(n, v ?? throw new ArgumentException("an input needs a value"));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_binding_clear(void* binding, int32_t outputs): unbinds all inputs (0) or all outputs (1).</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_binding_clear")]
    public static int BindingClear(nint binding, int outputs)
    {
        try
        {
            var b = Handles.Get<IoBinding>(binding);
            if (outputs != 0) b.ClearOutputs(); else b.ClearInputs();
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_onnx_binding_run(void* binding, void* run_options)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_binding_run")]
    public static int BindingRun(nint binding, nint runOptions)
    {
        try
        {
            var b = Handles.Get<IoBinding>(binding);
            b.Session.Run(runOptions == 0 ? null : Handles.Get<RunOptions>(runOptions), b);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_onnx_binding_outputs(void* binding, aotml_onnx_value* outputs, int32_t capacity, int32_t* count):
    /// the bound outputs after a run, in binding order; with outputs NULL only *count is written.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_onnx_binding_outputs")]
    public static int BindingOutputs(nint binding, AotmlOnnxValue* outputs, int capacity, int* count)
    {
        try
        {
            var values = Handles.Get<IoBinding>(binding).Outputs();
            *count = values.Length;
            int done = 0;
            try
            {
                if (outputs != null)
                {
                    if (capacity < values.Length) throw new ArgumentException($"{values.Length} outputs do not fit in {capacity}");
                    for (; done < values.Length; done++) AotmlOnnxValue.Fill(outputs + done, values[done]);
                }
            }
            catch
            {
                for (int j = 0; j < done; j++) Handles.Free(outputs[j].Handle);
                throw;
            }
            finally
            {
                for (int j = done; j < values.Length; j++) values[j].Dispose();
            }
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }
}
