using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Aotml.Text;
using Aotml.Onnx;

namespace Aotml.Native.Exports;

/// <summary>Errors, memory, handles and versions: the exports every concern relies on.</summary>
internal static unsafe class Common
{
    private static byte* s_engineVersion;
    private static byte* s_ortVersion;

    // The locator must be set before any export touches ORT, whichever export comes first.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => OrtLibrary.SetLocator(OrtLocator.Locate);

    /// <summary>int32_t aotml_last_error(const char** message, int64_t* length): the last failure on this thread.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_last_error")]
    public static int LastErrorMessage(byte** message, long* length)
    {
        if (message != null) *message = LastError.Message;
        if (length != null) *length = LastError.Length;
        return LastError.Code;
    }

    /// <summary>void aotml_free(void* p): frees memory the library allocated for the caller.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_free")]
    public static void Free(void* p) => NativeMemory.Free(p);

    /// <summary>int32_t aotml_handle_free(void* handle): releases an object handle (NULL is allowed).</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_handle_free")]
    public static int HandleFree(nint handle)
    {
        try { Handles.Free(handle); return 0; }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_version(const char** version): the engine version, a static string.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_version")]
    public static int EngineVersion(byte** version)
    {
        try
        {
            if (version == null) throw new ArgumentNullException(nameof(version));
            if (s_engineVersion == null)
            {
                string v = typeof(Common).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
                s_engineVersion = StaticUtf8(v.Split('+')[0]);
            }
            *version = s_engineVersion;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_ort_version(const char** version, const char** path): loads ORT if needed.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_ort_version")]
    public static int OrtVersion(byte** version, byte** path)
    {
        try
        {
            if (s_ortVersion == null) s_ortVersion = StaticUtf8(OrtLibrary.Version + "\0" + OrtLibrary.Path);
            if (version != null) *version = s_ortVersion;
            if (path != null) *path = s_ortVersion + Strlen(s_ortVersion) + 1;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    private static int Strlen(byte* s) { int n = 0; while (s[n] != 0) n++; return n; }

    // Strings with process lifetime: allocated once, never freed, so callers may keep the pointer.
    private static byte* StaticUtf8(string s) => NativeUtf8.Alloc(s);
}
