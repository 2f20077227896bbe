using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using Aotml.Text;

namespace Aotml.Onnx;

/// <summary>
/// The process-wide ORT state: the function table, the one OrtEnv, the CPU memory info and the default allocator.
/// All are created once, on first use, and live for the process (ORT forbids a second OrtEnv and tearing the first
/// down while sessions exist).
/// </summary>
public static unsafe class Ort
{
    private static OrtApi* s_api;
    private static nint s_env;          // OrtEnv*
    private static nint s_cpuMemory;    // OrtMemoryInfo*
    private static nint s_allocator;    // OrtAllocator* (owned by ORT, never released)
    private static readonly Lock s_lock = new();

    /// <summary>Severity of the process-wide logger: FATAL, so ORT prints nothing a caller did not ask for (errors reach the caller as exceptions).</summary>
    public const int DefaultLogSeverity = 4;

    internal static OrtApi* Api
    {
        get
        {
            var api = s_api;
            return api != null ? api : Load();
        }
    }

    private static OrtApi* Load()
    {
        lock (s_lock)
        {
            if (s_api != null) return s_api;
            var b = (OrtLibrary.OrtApiBase*)OrtLibrary.EnsureLoaded();
            var api = (OrtApi*)b->GetApi(OrtLibrary.ApiVersion);
            if (api == null)
                throw new OnnxRuntimeUnavailableException(
                    $"the ONNX Runtime at '{OrtLibrary.Path}' (version {OrtLibrary.Version}) does not serve API version {OrtLibrary.ApiVersion}; aotml needs onnxruntime 1.29 or newer");
            nint env, mem, alloc;
            fixed (byte* id = "aotml"u8)
                Check(api->CreateEnv(DefaultLogSeverity, id, &env), api);
            Check(api->CreateCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &mem), api);
            Check(api->GetAllocatorWithDefaultOptions(&alloc), api);
            s_env = env; s_cpuMemory = mem; s_allocator = alloc;
            s_api = api;   // published last: a reader that sees it sees the rest
            return api;
        }
    }

    internal static nint Env { get { _ = Api; return s_env; } }
    internal static nint CpuMemory { get { _ = Api; return s_cpuMemory; } }
    internal static nint Allocator { get { _ = Api; return s_allocator; } }

    /// <summary>Throws <see cref="OnnxRuntimeException"/> for a non-null OrtStatus*, releasing it either way.</summary>
    internal static void Check(nint status)
    {
        if (status != 0) Throw(status, Api);
    }

    private static void Check(nint status, OrtApi* api)
    {
        if (status != 0) Throw(status, api);
    }

    [DoesNotReturn]
    private static void Throw(nint status, OrtApi* api)
    {
        int code;
        string message;
        try
        {
            code = api->GetErrorCode(status);
            message = Marshal.PtrToStringUTF8((nint)api->GetErrorMessage(status)) ?? "";
        }
        finally
        {
            api->ReleaseStatus(status);
        }
        // onnxruntime's own Python layer words it this way; code that matches on it keeps working.
        throw new OnnxRuntimeException(code, $"[ONNXRuntimeError] : {code} : {CodeName(code)} : {message}");
    }

    /// <summary>The OrtErrorCode's name, as onnxruntime prints it.</summary>
    public static string CodeName(int code) => code switch
    {
        0 => "OK", 1 => "FAIL", 2 => "INVALID_ARGUMENT", 3 => "NO_SUCHFILE", 4 => "NO_MODEL", 5 => "ENGINE_ERROR",
        6 => "RUNTIME_EXCEPTION", 7 => "INVALID_PROTOBUF", 8 => "MODEL_LOADED", 9 => "NOT_IMPLEMENTED",
        10 => "INVALID_GRAPH", 11 => "EP_FAIL", 12 => "MODEL_LOAD_CANCELED", 13 => "MODEL_REQUIRES_COMPILATION",
        14 => "NOT_FOUND", 15 => "DEVICE_RESET", _ => $"ERROR_{code}",
    };

    /// <summary>The ORT build's own description ("ORT Build Info: ...").</summary>
    public static string BuildInfo => Marshal.PtrToStringUTF8((nint)Api->GetBuildInfoString()) ?? "";

    // Providers ORT builds as separate shared libraries: compiled in, yet unusable unless the library sits beside ORT
    // (the npm build lists CUDA and TensorRT without shipping them).
    private static readonly Dictionary<string, string> s_sharedProviders = new()
    {
        ["CUDAExecutionProvider"] = "cuda", ["TensorrtExecutionProvider"] = "tensorrt", ["OpenVINOExecutionProvider"] = "openvino",
        ["ROCMExecutionProvider"] = "rocm", ["MIGraphXExecutionProvider"] = "migraphx", ["DnnlExecutionProvider"] = "dnnl",
        ["CANNExecutionProvider"] = "cann", ["VitisAIExecutionProvider"] = "vitisai", ["QNNExecutionProvider"] = "qnn",
        ["NvTensorRTRTXExecutionProvider"] = "nv_tensorrt_rtx",
    };

    private static string[]? s_available;

    /// <summary>
    /// The execution providers a session of the loaded library accepts, in ORT's priority order: those compiled in,
    /// less the ones whose provider library (libonnxruntime_providers_&lt;name&gt;.so) is absent beside it, less the
    /// ones a one-node session refuses (a provider compiled in may still need a device this machine lacks). Probed
    /// once per process.
    /// </summary>
    public static string[] AvailableProviders()
    {
        var known = s_available;
        if (known != null) return known;
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(OrtLibrary.Path)) ?? ".";
        var result = CompiledProviders().Where(p => p == ExecutionProviders.Cpu
            || ((!s_sharedProviders.TryGetValue(p, out var lib) || File.Exists(System.IO.Path.Combine(dir, $"libonnxruntime_providers_{lib}.so")))
                && ExecutionProviders.Accepts(p))).ToArray();
        s_available = result;
        return result;
    }

    /// <summary>The execution providers compiled into the loaded library (GetAvailableProviders), usable or not.</summary>
    public static string[] CompiledProviders()
    {
        byte** names;
        int n;
        Check(Api->GetAvailableProviders(&names, &n));
        try
        {
            var result = new string[n];
            for (int i = 0; i < n; i++) result[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? "";
            return result;
        }
        finally
        {
            Check(Api->ReleaseAvailableProviders(names, n));
        }
    }

    /// <summary>Copies a string ORT allocated with the default allocator, then frees it.</summary>
    internal static string TakeString(byte* s)
    {
        if (s == null) return "";
        try { return Marshal.PtrToStringUTF8((nint)s) ?? ""; }
        finally { Check(Api->AllocatorFree(Allocator, s)); }
    }

    /// <summary>A NUL-terminated UTF-8 copy in native memory, for ORT calls that take const char*.</summary>
    internal static byte* Utf8(string s) => NativeUtf8.Alloc(s);
}

/// <summary>A NUL-terminated UTF-8 copy in native memory for the duration of a using block.</summary>
internal readonly unsafe struct Utf8String(string s) : IDisposable
{
    /// <summary>The const char*.</summary>
    public readonly byte* Ptr = Ort.Utf8(s);

    /// <summary>Frees the copy.</summary>
    public void Dispose() => NativeMemory.Free(Ptr);
}
