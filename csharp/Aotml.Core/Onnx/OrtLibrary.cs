using System.Runtime.InteropServices;

namespace Aotml.Onnx;

/// <summary>
/// The loaded ONNX Runtime shared library. Loaded once per process, on first use, from a path the host decides
/// (the native layer looks beside the engine); a missing library is an error only for callers that need it.
/// </summary>
public static unsafe class OrtLibrary
{
    /// <summary>
    /// ORT_API_VERSION of the header this binding follows; the function table only grows at its end. The shipped
    /// ORT (1.31, API 31) serves it, and so does any ORT from 1.29 on that AOTML_ORT_LIBRARY may name.
    /// </summary>
    public const uint ApiVersion = 29;

    private static readonly Lock s_lock = new();
    private static Func<string>? s_locate;
    private static nint s_apiBase;          // const OrtApiBase*
    private static string? s_path;
    private static Exception? s_failure;

    /// <summary>Sets how the library path is found; called by the host before first use.</summary>
    public static void SetLocator(Func<string> locate) => s_locate = locate;

    /// <summary>The path the library was loaded from (loads it if needed).</summary>
    public static string Path { get { EnsureLoaded(); return s_path!; } }

    /// <summary>ORT's own version string, e.g. "1.31.1".</summary>
    public static string Version
    {
        get
        {
            var b = (OrtApiBase*)EnsureLoaded();
            return Marshal.PtrToStringUTF8((nint)b->GetVersionString()) ?? "";
        }
    }

    /// <summary>The OrtApiBase* of the loaded library; throws <see cref="OnnxRuntimeUnavailableException"/> if absent.</summary>
    public static nint EnsureLoaded()
    {
        if (s_apiBase != 0) return s_apiBase;
        lock (s_lock)
        {
            if (s_apiBase != 0) return s_apiBase;
            // A failed load is remembered: retrying dlopen on every call would only repeat the same error slowly.
            if (s_failure != null) throw new OnnxRuntimeUnavailableException(s_failure.Message, s_failure);
            string path = s_locate?.Invoke() ?? "libonnxruntime.so";
            try
            {
                if (!NativeLibrary.TryLoad(path, out nint lib))
                    throw new OnnxRuntimeUnavailableException(
                        $"ONNX Runtime library not found or not loadable at '{path}'; set AOTML_ORT_LIBRARY to the path of a libonnxruntime.so");
                if (!NativeLibrary.TryGetExport(lib, "OrtGetApiBase", out nint getBase))
                    throw new OnnxRuntimeUnavailableException($"'{path}' has no OrtGetApiBase export: it is not an ONNX Runtime library");
                s_apiBase = (nint)((delegate* unmanaged[Cdecl]<OrtApiBase*>)getBase)();
                s_path = path;
                return s_apiBase;
            }
            catch (Exception e)
            {
                s_failure = e;
                throw;
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct OrtApiBase
    {
        public delegate* unmanaged[Cdecl]<uint, void*> GetApi;          // const OrtApi* (*)(uint32_t version)
        public delegate* unmanaged[Cdecl]<byte*> GetVersionString;     // const char* (*)(void)
    }
}
