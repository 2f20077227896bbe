using Aotml.Onnx;

namespace Aotml.Tests.Onnx;

/// <summary>Points the binding at the ORT library build.py fetched (or AOTML_ORT_LIBRARY) before any test uses it.</summary>
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
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "build.py"))) continue;
            foreach (var candidate in new[] { "build/ort/libonnxruntime.so.1", "python/aotml/libonnxruntime.so.1" })
            {
                string p = Path.Combine(dir.FullName, candidate);
                if (File.Exists(p)) return p;
            }
            throw new FileNotFoundException($"no libonnxruntime.so.1 under {dir.FullName}/build/ort: run `python3 build.py develop` first");
        }
        throw new FileNotFoundException("repository root (build.py) not found above " + AppContext.BaseDirectory);
    }
}
