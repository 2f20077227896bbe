using System.Globalization;
using System.Runtime.InteropServices;

namespace Aotml.Onnx;

/// <summary>
/// Session options as ordered (key, value) text pairs, the one form every caller can produce (Python builds it from
/// its SessionOptions object): "intra_op_num_threads" = "2", "config:session.x" = "1", "provider" = "CUDAExecutionProvider"
/// followed by "provider_option:device_id" = "0" for that provider, ... Applied to a fresh OrtSessionOptions.
/// </summary>
public sealed unsafe class SessionSettings
{
    private readonly List<(string Key, string Value)> _entries = [];

    /// <summary>The keys <see cref="Add"/> accepts besides the "config:", "free_dim:" and "provider_option:" prefixes.</summary>
    public static readonly string[] Keys =
    [
        "intra_op_num_threads", "inter_op_num_threads", "execution_mode", "graph_optimization_level", "enable_profiling",
        "profile_file_prefix", "optimized_model_filepath", "log_severity_level", "log_verbosity_level", "logid",
        "enable_cpu_mem_arena", "enable_mem_pattern", "use_deterministic_compute", "provider", "use_per_session_threads",
        "custom_ops_library", "default_logger_severity",
    ];

    /// <summary>The most threads a pool may be given: beyond it ORT would spend minutes creating threads, not running.</summary>
    public const int MaxThreads = 4096;

    /// <summary>Appends one setting; unknown keys are rejected here, before any native object exists.</summary>
    public SessionSettings Add(string key, string value)
    {
        if (!(Keys.Contains(key) || key.StartsWith("config:", StringComparison.Ordinal) || key.StartsWith("free_dim:", StringComparison.Ordinal)
              || key.StartsWith("free_dim_denotation:", StringComparison.Ordinal) || key.StartsWith("provider_option:", StringComparison.Ordinal)))
            throw new ArgumentException($"unknown session option '{key}'; known options: {string.Join(", ", Keys)}");
        if (key.StartsWith("provider_option:", StringComparison.Ordinal) && !_entries.Any(e => e.Key == "provider"))
            throw new ArgumentException($"'{key}' comes before any provider");
        _entries.Add((key, value));
        return this;
    }

    private readonly List<(string Name, Value Value)> _initializers = [];

    /// <summary>
    /// Supplies initializer <paramref name="name"/> (SessionOptions.add_initializer). The settings take a reference to
    /// <paramref name="value"/>; a session made from them keeps it for its whole life, as ORT reads the memory in place.
    /// </summary>
    public SessionSettings AddInitializer(string name, Value value)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("an initializer needs a name");
        if (value.Describe().Kind != ValueKind.Tensor) throw new ArgumentException($"initializer '{name}' must be a tensor");
        _initializers.Add((name, value.AddRef()));
        return this;
    }

    /// <summary>Hands the initializers (names, and references the new holder disposes) over to a session.</summary>
    internal (Value[] Values, string[] Names) TakeInitializers()
    {
        var taken = (_initializers.Select(i => i.Value).ToArray(), _initializers.Select(i => i.Name).ToArray());
        _initializers.Clear();
        return taken;
    }

    /// <summary>Drops the references to initializers no session took (when making the session failed before it did).</summary>
    public void ReleaseInitializers()
    {
        foreach (var v in TakeInitializers().Values) v.Dispose();
    }

    /// <summary>Parses the wire form: NUL-terminated UTF-8 strings, key then value, repeated.</summary>
    public static SessionSettings Parse(ReadOnlySpan<byte> block)
    {
        var s = new SessionSettings();
        var parts = new List<string>();
        while (!block.IsEmpty)
        {
            int end = block.IndexOf((byte)0);
            if (end < 0) end = block.Length;
            parts.Add(System.Text.Encoding.UTF8.GetString(block[..end]));
            block = end < block.Length ? block[(end + 1)..] : default;
        }
        if (parts.Count % 2 != 0) throw new ArgumentException("session options must be key/value pairs");
        for (int i = 0; i < parts.Count; i += 2) s.Add(parts[i], parts[i + 1]);
        return s;
    }

    /// <summary>The providers requested, in order, each with its options.</summary>
    public List<(string Name, List<(string Key, string Value)> Options)> Providers()
    {
        var result = new List<(string, List<(string, string)>)>();
        foreach (var (k, v) in _entries)
        {
            if (k == "provider") result.Add((v, []));
            else if (k.StartsWith("provider_option:", StringComparison.Ordinal)) result[^1].Item2.Add((k["provider_option:".Length..], v));
        }
        return result;
    }

    /// <summary>Creates the OrtSessionOptions these settings describe; the caller releases it.</summary>
    internal nint Create(out string[] providers) => Create(out providers, [.. _initializers.Select(i => i.Value)], [.. _initializers.Select(i => i.Name)]);

    /// <summary>Creates the OrtSessionOptions with <paramref name="initializers"/> taken out beforehand (see <see cref="TakeInitializers"/>).</summary>
    internal nint Create(out string[] providers, Value[] initializers, string[] names)
    {
        var api = Ort.Api;
        nint o;
        Ort.Check(api->CreateSessionOptions(&o));
        try
        {
            foreach (var (k, v) in _entries) Apply(o, k, v);
            for (int i = 0; i < initializers.Length; i++)
            {
                using var n = new Utf8String(names[i]);
                Ort.Check(api->AddInitializer(o, n.Ptr, initializers[i].Pointer));
            }
            providers = ExecutionProviders.Append(o, Providers());
            return o;
        }
        catch
        {
            api->ReleaseSessionOptions(o);
            throw;
        }
    }

    private static void Apply(nint o, string key, string value)
    {
        var api = Ort.Api;
        switch (key)
        {
            case "intra_op_num_threads": Ort.Check(api->SetIntraOpNumThreads(o, Int(key, value, 0, MaxThreads))); break;
            case "inter_op_num_threads": Ort.Check(api->SetInterOpNumThreads(o, Int(key, value, 0, MaxThreads))); break;
            case "use_per_session_threads":
                // ORT's default; turning it off makes sessions use the environment's global pools, which ORT refuses
                // (with its own message) unless the environment was created with them.
                if (!Bool(key, value)) Ort.Check(api->DisablePerSessionThreads(o));
                break;
            case "custom_ops_library": { using var p = new Utf8String(value); Ort.Check(api->RegisterCustomOpsLibrary_V2(o, p.Ptr)); break; }
            case "default_logger_severity":
                // The process-wide logger (set_default_logger_severity): applied when the next session is made.
                Ort.Check(api->UpdateEnvWithCustomLogLevel(Ort.Env, Int(key, value, 0, 4)));
                break;
            case "execution_mode": Ort.Check(api->SetSessionExecutionMode(o, Int(key, value, 0, 1))); break;
            case "graph_optimization_level":
            {
                int level = Int(key, value, 0, 99);
                if (level is not (0 or 1 or 2 or 3 or 99)) throw new ArgumentException($"graph_optimization_level must be 0, 1, 2, 3 or 99, got {level}");
                Ort.Check(api->SetSessionGraphOptimizationLevel(o, level));
                break;
            }
            case "enable_profiling":
                if (Bool(key, value)) { using var p = new Utf8String("onnxruntime_profile_"); Ort.Check(api->EnableProfiling(o, p.Ptr)); }
                else Ort.Check(api->DisableProfiling(o));
                break;
            case "profile_file_prefix": { using var p = new Utf8String(value); Ort.Check(api->EnableProfiling(o, p.Ptr)); break; }
            case "optimized_model_filepath": { using var p = new Utf8String(value); Ort.Check(api->SetOptimizedModelFilePath(o, p.Ptr)); break; }
            case "log_severity_level": Ort.Check(api->SetSessionLogSeverityLevel(o, Int(key, value, 0, 4))); break;
            case "log_verbosity_level": Ort.Check(api->SetSessionLogVerbosityLevel(o, Int(key, value, 0))); break;
            case "logid": { using var p = new Utf8String(value); Ort.Check(api->SetSessionLogId(o, p.Ptr)); break; }
            case "enable_cpu_mem_arena": Ort.Check(Bool(key, value) ? api->EnableCpuMemArena(o) : api->DisableCpuMemArena(o)); break;
            case "enable_mem_pattern": Ort.Check(Bool(key, value) ? api->EnableMemPattern(o) : api->DisableMemPattern(o)); break;
            case "use_deterministic_compute": Ort.Check(api->SetDeterministicCompute(o, Bool(key, value) ? (byte)1 : (byte)0)); break;
            case "provider": break;
            default:
                if (key.StartsWith("config:", StringComparison.Ordinal))
                {
                    using var k = new Utf8String(key["config:".Length..]);
                    using var v = new Utf8String(value);
                    Ort.Check(api->AddSessionConfigEntry(o, k.Ptr, v.Ptr));
                }
                else if (key.StartsWith("free_dim_denotation:", StringComparison.Ordinal))
                {
                    long dim = long.Parse(value, CultureInfo.InvariantCulture);
                    using var k = new Utf8String(key["free_dim_denotation:".Length..]);
                    Ort.Check(api->AddFreeDimensionOverride(o, k.Ptr, dim));
                }
                else if (key.StartsWith("free_dim:", StringComparison.Ordinal))
                {
                    long dim = long.Parse(value, CultureInfo.InvariantCulture);
                    using var k = new Utf8String(key["free_dim:".Length..]);
                    Ort.Check(api->AddFreeDimensionOverrideByName(o, k.Ptr, dim));
                }
                break;
        }
    }

    private static int Int(string key, string value, int min, int max = int.MaxValue)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new ArgumentException($"{key} must be an integer in [{min}, {max}], got '{value}'");
        return v;
    }

    private static bool Bool(string key, string value) => value switch
    {
        "1" or "true" or "True" => true,
        "0" or "false" or "False" => false,
        _ => throw new ArgumentException($"{key} must be 0 or 1, got '{value}'"),
    };
}
