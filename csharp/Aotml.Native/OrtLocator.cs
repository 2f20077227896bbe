using System.Runtime.InteropServices;

namespace Aotml.Native;

/// <summary>
/// Finds libonnxruntime.so beside the engine. The wheel ships both in one folder, under the file name the
/// Microsoft.ML.OnnxRuntime NuGet package gives it; looking there (found with dladdr on one of our own functions)
/// rather than on LD_LIBRARY_PATH means another onnxruntime on the system is never picked up by accident.
/// AOTML_ORT_LIBRARY overrides it, e.g. for a GPU build of ORT.
/// </summary>
internal static unsafe class OrtLocator
{
    /// <summary>The library's file name beside the engine.</summary>
    public const string FileName = "libonnxruntime.so";

    /// <summary>AOTML_ORT_LIBRARY if set, else <see cref="FileName"/> in the engine's directory.</summary>
    public static string Locate()
    {
        string? overridePath = Environment.GetEnvironmentVariable("AOTML_ORT_LIBRARY");
        if (!string.IsNullOrEmpty(overridePath)) return overridePath;
        string? dir = EngineDirectory();
        return dir == null ? FileName : Path.Combine(dir, FileName);
    }

    /// <summary>The directory holding this shared library, or null if dladdr is unavailable.</summary>
    public static string? EngineDirectory()
    {
        nint dladdr = 0;
        // glibc >= 2.34 has dladdr in libc; older ones only in libdl.
        foreach (var lib in new[] { "libc.so.6", "libdl.so.2" })
            if (NativeLibrary.TryLoad(lib, out nint h) && NativeLibrary.TryGetExport(h, "dladdr", out dladdr)) break;
        if (dladdr == 0) return null;
        DlInfo info;
        delegate* unmanaged<byte**, int> self = &Exports.Common.EngineVersion;
        if (((delegate* unmanaged[Cdecl]<void*, DlInfo*, int>)dladdr)(self, &info) == 0 || info.FileName == null) return null;
        string? file = Marshal.PtrToStringUTF8((nint)info.FileName);
        return file == null ? null : Path.GetDirectoryName(Path.GetFullPath(file));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public byte* FileName;   // const char* dli_fname
        public void* FileBase;   // void* dli_fbase
        public byte* SymbolName; // const char* dli_sname
        public void* SymbolAddr; // void* dli_saddr
    }
}
