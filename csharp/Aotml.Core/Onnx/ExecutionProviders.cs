using System.Runtime.InteropServices;

namespace Aotml.Onnx;

/// <summary>
/// Appends execution providers to session options. Only providers the loaded ORT build reports are accepted: asking
/// for one it lacks is the caller's error, raised with the available list, never a silent fallback to CPU.
/// </summary>
internal static unsafe class ExecutionProviders
{
    public const string Cpu = "CPUExecutionProvider";

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
                        string shortName = name.EndsWith("ExecutionProvider", StringComparison.Ordinal) ? name[..^"ExecutionProvider".Length] : name;
                        if (shortName.Equals("Xnnpack", StringComparison.OrdinalIgnoreCase)) shortName = "XNNPACK";
                        using var p = new Utf8String(shortName);
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
