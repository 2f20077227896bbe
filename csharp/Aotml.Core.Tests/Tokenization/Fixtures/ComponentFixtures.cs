using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Aotml.Core.Tests.Tokenization;

/// <summary>Reads the component fixtures that make_component_fixtures.js writes with Hugging Face's tokenizers.</summary>
internal static class ComponentFixtures
{
    private static string Dir([CallerFilePath] string here = "") => Path.GetDirectoryName(here)!;

    /// <summary>The components of a fixture file, as (index, component JSON) theory rows.</summary>
    public static IEnumerable<object[]> Components(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Dir(), file)));
        int i = 0;
        foreach (var g in doc.RootElement.EnumerateArray())
            yield return new object[] { i++, g.GetProperty("component").GetRawText() };
    }

    /// <summary>The whole group of component <paramref name="index"/>.</summary>
    public static JsonElement Group(string file, int index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Dir(), file)));
        return doc.RootElement[index].Clone();
    }

    /// <summary>The code-point index of a UTF-8 byte offset in <paramref name="text"/>.</summary>
    public static int CharIndex(string text, int utf8Offset)
    {
        int bytes = 0, chars = 0;
        foreach (var r in text.EnumerateRunes())
        {
            if (bytes >= utf8Offset) break;
            bytes += r.Utf8SequenceLength;
            chars++;
        }
        return chars;
    }

    /// <summary>Writes a component with its <c>WriteJson</c> and parses the result back.</summary>
    public static JsonElement Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        using var doc = JsonDocument.Parse(buffer.ToArray());
        return doc.RootElement.Clone();
    }

    /// <summary>Whether two JSON values are equal, object members compared in order (serde's field order).</summary>
    public static bool SameJson(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var pa = a.EnumerateObject().ToList();
                var pb = b.EnumerateObject().ToList();
                return pa.Count == pb.Count && pa.Zip(pb).All(p => p.First.Name == p.Second.Name && SameJson(p.First.Value, p.Second.Value));
            }
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => SameJson(p.First, p.Second));
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Number:
                return a.GetDecimal() == b.GetDecimal();
            default:
                return true;
        }
    }

    /// <summary>Escapes what would make a failure message unreadable.</summary>
    public static string Show(string s)
    {
        var sb = new StringBuilder();
        foreach (var r in s.EnumerateRunes())
            sb.Append(r.Value is < 0x20 or 0x7F or >= 0x80 and < 0xA0 or 0x200B or 0xAD ? $"\\u{r.Value:X4}" : r.ToString());
        return sb.ToString();
    }
}
