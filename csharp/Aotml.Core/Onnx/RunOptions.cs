namespace Aotml.Onnx;

/// <summary>
/// OrtRunOptions. Settings are made before a run; <see cref="Terminate"/> may be set from any thread while runs
/// that use these options are in flight: they stop and fail with <see cref="OperationCanceledException"/>.
/// </summary>
public sealed unsafe class RunOptions : IDisposable
{
    private nint _ptr;   // OrtRunOptions*
    private volatile bool _terminate;

    /// <summary>Creates run options with ORT's defaults.</summary>
    public RunOptions()
    {
        nint p;
        Ort.Check(Ort.Api->CreateRunOptions(&p));
        _ptr = p;
    }

    /// <summary>The OrtRunOptions*.</summary>
    public nint Pointer => _ptr != 0 ? _ptr : throw new ObjectDisposedException(nameof(RunOptions));

    /// <summary>Sets log_severity_level, log_verbosity_level, run_tag (or log_tag), or "config:&lt;key&gt;".</summary>
    public void Set(string key, string value)
    {
        var api = Ort.Api;
        switch (key)
        {
            case "log_severity_level": Ort.Check(api->RunOptionsSetRunLogSeverityLevel(Pointer, ParseInt(key, value))); break;
            case "log_verbosity_level": Ort.Check(api->RunOptionsSetRunLogVerbosityLevel(Pointer, ParseInt(key, value))); break;
            case "run_tag" or "log_tag":
            {
                using var v = new Utf8String(value);
                Ort.Check(api->RunOptionsSetRunTag(Pointer, v.Ptr));
                break;
            }
            default:
                if (!key.StartsWith("config:", StringComparison.Ordinal))
                    throw new ArgumentException($"unknown run option '{key}'; known options: log_severity_level, log_verbosity_level, run_tag, config:<key>");
                using (var k = new Utf8String(key["config:".Length..]))
                using (var v = new Utf8String(value))
                    Ort.Check(api->AddRunConfigEntry(Pointer, k.Ptr, v.Ptr));
                break;
        }
    }

    private static int ParseInt(string key, string value) =>
        int.TryParse(value, out int v) ? v : throw new ArgumentException($"{key} must be an integer, got '{value}'");

    /// <summary>When true, runs using these options stop as soon as ORT checks the flag (between nodes).</summary>
    public bool Terminate
    {
        get => _terminate;
        set
        {
            Ort.Check(value ? Ort.Api->RunOptionsSetTerminate(Pointer) : Ort.Api->RunOptionsUnsetTerminate(Pointer));
            _terminate = value;
        }
    }

    /// <summary>Releases the OrtRunOptions.</summary>
    public void Dispose()
    {
        nint p = Interlocked.Exchange(ref _ptr, 0);
        if (p != 0) Ort.Api->ReleaseRunOptions(p);
    }
}
