using Aotml.Onnx;

namespace Aotml.Tests.Onnx;

/// <summary>
/// Points the binding at ORT before any test uses it: AOTML_ORT_LIBRARY if set, else the libonnxruntime.so that
/// restoring this project's Microsoft.ML.OnnxRuntime package copied beside the test assembly.
/// </summary>
internal static class OrtFixture
{
    private static readonly Lazy<bool> s_ready = new(() =>
    {
        OrtLibrary.SetLocator(Locate);
        return true;
    });

    public static void Ensure() => _ = s_ready.Value;

    private static string Locate()
    {
        string? env = Environment.GetEnvironmentVariable("AOTML_ORT_LIBRARY");
        if (!string.IsNullOrEmpty(env)) return env;
        string dir = AppContext.BaseDirectory;
        foreach (var candidate in new[] { "libonnxruntime.so", "runtimes/linux-x64/native/libonnxruntime.so" })
        {
            string p = Path.Combine(dir, candidate);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"no libonnxruntime.so under {dir}: the Microsoft.ML.OnnxRuntime package was not restored");
    }
}
