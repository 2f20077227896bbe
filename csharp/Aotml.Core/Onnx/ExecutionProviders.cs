using System.Runtime.InteropServices;

namespace Aotml.Onnx;

/// <summary>
/// Appends execution providers to session options. Only providers the loaded ORT build reports are accepted: asking
/// for one it lacks is the caller's error, raised with the available list, never a silent fallback to CPU.
/// </summary>
internal static unsafe class ExecutionProviders
{
    public const string Cpu = "CPUExecutionProvider";

    // Y = Identity(X), float[1]: the smallest model a provider can be asked to take (see Accepts).
    private static ReadOnlySpan<byte> ProbeModel =>
    [
        8, 7, 18, 0, 58, 55, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 1, 112,
        90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4,
        10, 2, 8, 1, 66, 4, 10, 0, 16, 13,
    ];

    /// <summary>Whether a session with <paramref name="name"/> (default options) can be created here.</summary>
    internal static bool Accepts(string name)
    {
        var api = Ort.Api;
        nint o;
        Ort.Check(api->CreateSessionOptions(&o));
        try
        {
            AppendOne(o, name, []);
            nint s;
            nint status;
            fixed (byte* m = ProbeModel)
                status = api->CreateSessionFromArray(Ort.Env, m, (nuint)ProbeModel.Length, o, &s);
            if (status != 0) { api->ReleaseStatus(status); return false; }
            api->ReleaseSession(s);
            return true;
        }
        catch (Exception) { return false; }   // any refusal, from ORT or from the options, means "not here"
        finally { api->ReleaseSessionOptions(o); }
    }

    /// <summary>The name ORT's generic SessionOptionsAppendExecutionProvider knows a provider by ("XNNPACK", "WebGPU").</summary>
    internal static string ShortName(string name)
    {
        string shortName = name.EndsWith("ExecutionProvider", StringComparison.Ordinal) ? name[..^"ExecutionProvider".Length] : name;
        return shortName switch
        {
            "Xnnpack" => "XNNPACK",
            "WebGpu" => "WebGPU",
            "WebNN" => "WEBNN",
            "Azure" => "AZURE",
            "Js" => "JS",
            "Dml" => "DML",
            "NvTensorRTRTX" => "NvTensorRtRtx",
            _ => shortName,
        };
    }

    /// <summary>Appends each provider in order; returns the session's provider list (CPU always last).</summary>
    public static string[] Append(nint options, List<(string Name, List<(string Key, string Value)> Options)> providers)
    {
        var available = Ort.AvailableProviders();
        var used = new List<string>();
        foreach (var (name, opts) in providers)
        {
            if (!available.Contains(name))
                throw new ArgumentException(
                    $"{name} is not available in this ONNX Runtime build ({OrtLibrary.Version}); available providers: [{string.Join(", ", available.Select(a => $"'{a}'"))}]");
            if (used.Contains(name)) throw new ArgumentException($"provider {name} is listed twice");
            used.Add(name);
            if (name == Cpu) continue;   // ORT always appends CPU itself, as the fallback for every node
            AppendOne(options, name, opts);
        }
        if (!used.Contains(Cpu)) used.Add(Cpu);
        return [.. used];
    }

    private static void AppendOne(nint options, string name, List<(string Key, string Value)> opts)
    {
        var api = Ort.Api;
        var keys = new byte*[opts.Count];
        var values = new byte*[opts.Count];
        try
        {
            for (int i = 0; i < opts.Count; i++) { keys[i] = Ort.Utf8(opts[i].Key); values[i] = Ort.Utf8(opts[i].Value); }
            fixed (byte** k = keys)
            fixed (byte** v = values)
            {
                nuint n = (nuint)opts.Count;
                switch (name)
                {
                    case "CUDAExecutionProvider":
                    {
                        nint cuda;
                        Ort.Check(api->CreateCUDAProviderOptions(&cuda));
                        try
                        {
                            Ort.Check(api->UpdateCUDAProviderOptions(cuda, k, v, n));
                            Ort.Check(api->SessionOptionsAppendExecutionProvider_CUDA_V2(options, cuda));
                        }
                        finally { api->ReleaseCUDAProviderOptions(cuda); }
                        break;
                    }
                    case "TensorrtExecutionProvider":
                    {
                        nint trt;
                        Ort.Check(api->CreateTensorRTProviderOptions(&trt));
                        try
                        {
                            Ort.Check(api->UpdateTensorRTProviderOptions(trt, k, v, n));
                            Ort.Check(api->SessionOptionsAppendExecutionProvider_TensorRT_V2(options, trt));
                        }
                        finally { api->ReleaseTensorRTProviderOptions(trt); }
                        break;
                    }
                    case "OpenVINOExecutionProvider":
                        Ort.Check(api->SessionOptionsAppendExecutionProvider_OpenVINO_V2(options, k, v, n));
                        break;
                    default:
                    {
                        // The generic entry point knows providers by their short names ("XNNPACK", "QNN", ...).
                        using var p = new Utf8String(ShortName(name));
                        Ort.Check(api->SessionOptionsAppendExecutionProvider(options, p.Ptr, k, v, n));
                        break;
                    }
                }
            }
        }
        finally
        {
            foreach (var p in keys) NativeMemory.Free(p);
            foreach (var p in values) NativeMemory.Free(p);
        }
    }
}
