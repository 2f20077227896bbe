using System.Text;
using System.Text.Json;
using Aotml.Tiktoken;

namespace Aotml.Core.Tests.Tiktoken;

/// <summary>The bundled encodings, built by tools/encodings.py into python/aotml/_data (skip if absent).</summary>
internal static class Bundled
{
    private static readonly Dictionary<string, TiktokenEncoding> s_cache = new();

    public static string? DataDir
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            {
                var p = Path.Combine(d.FullName, "python", "aotml", "_data");
                if (File.Exists(Path.Combine(p, "encodings.json"))) return p;
            }
            return null;
        }
    }

    public static TiktokenEncoding Get(string name)
    {
        lock (s_cache)
        {
            if (s_cache.TryGetValue(name, out var e)) return e;
            string dir = DataDir ?? throw new InvalidOperationException("run `python3 tools/encodings.py` first (python/aotml/_data is missing)");
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "encodings.json")));
            var spec = doc.RootElement.GetProperty("encodings").GetProperty(name);
            var specials = new List<(string, uint)>();
            foreach (var p in spec.GetProperty("special_tokens").EnumerateObject()) specials.Add((p.Name, p.Value.GetUInt32()));
            var nv = spec.GetProperty("explicit_n_vocab");
            e = new TiktokenEncoding(name, spec.GetProperty("pat_str").GetString()!,
                RankFiles.Load(Path.Combine(dir, spec.GetProperty("ranks").GetString()!)), specials,
                nv.ValueKind == JsonValueKind.Number ? nv.GetInt32() : null);
            s_cache[name] = e;
            return e;
        }
    }

    public static uint[] Encode(this TiktokenEncoding e, string text, SpecialPolicy? policy = null)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var dest = new uint[bytes.Length];
        long n = e.Encode(bytes, dest, policy ?? e.OrdinaryPolicy);
        return dest[..(int)n];
    }

    public static string Decode(this TiktokenEncoding e, uint[] tokens)
    {
        var buf = new byte[e.DecodedLength(tokens)];
        e.Decode(tokens, buf);
        return Encoding.UTF8.GetString(buf);
    }
}
