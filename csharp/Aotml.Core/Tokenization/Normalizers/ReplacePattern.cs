using System.Text.Json;
using Aotml.Tokenization.PreTokenizers;

namespace Aotml.Tokenization.Normalizers;

/// <summary>
/// The pattern of Replace and Split: {"String": literal} or {"Regex": Oniguruma pattern}. Both run as a regex in
/// HF (the literal escaped), so both are one here too; literals also keep their text for a fast path.
/// </summary>
public sealed class ReplacePattern
{
    /// <summary>Whether the pattern is a regex (else a literal string).</summary>
    public bool IsRegex { get; }

    /// <summary>The literal or the regex source, as written in the JSON.</summary>
    public string Source { get; }

    /// <summary>The compiled pattern.</summary>
    public OnigRegex Regex { get; }

    /// <summary>A literal or regex pattern; ConfigurationException naming <paramref name="path"/> if it does not compile.</summary>
    public ReplacePattern(bool isRegex, string source, string path)
    {
        IsRegex = isRegex;
        Source = source;
        Regex = isRegex ? new OnigRegex(source, path) : OnigRegex.Literal(source, path);
    }

    /// <summary>Reads the pattern object at <paramref name="name"/>.</summary>
    public static ReplacePattern FromJson(JsonElement e, string name, string path)
    {
        var p = JsonFields.Object(e, name, path);
        string where = $"{path}.{name}";
        if (p.TryGetProperty("String", out var s) && s.ValueKind == JsonValueKind.String)
            return new ReplacePattern(false, s.GetString()!, where + ".String");
        if (p.TryGetProperty("Regex", out var r) && r.ValueKind == JsonValueKind.String)
            return new ReplacePattern(true, r.GetString()!, where + ".Regex");
        throw new ConfigurationException($"{where}: expected {{\"String\": text}} or {{\"Regex\": pattern}}");
    }

    /// <summary>Writes the pattern object under <paramref name="name"/>.</summary>
    public void WriteJson(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject(name);
        w.WriteString(IsRegex ? "Regex" : "String", Source);
        w.WriteEndObject();
    }

    /// <summary>Replaces every match in <paramref name="s"/> by <paramref name="content"/> (plain strings: decoders).</summary>
    public string ReplaceIn(string s, string content)
    {
        if (!IsRegex && Source.Length > 0)
            return s.Replace(Source, content, StringComparison.Ordinal);
        var utf8 = System.Text.Encoding.UTF8.GetBytes(s);
        var found = Regex.FindAll(utf8);
        if (found.Count == 0) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        int prev = 0;
        foreach (var (start, end) in found)
        {
            sb.Append(System.Text.Encoding.UTF8.GetString(utf8, prev, start - prev)).Append(content);
            prev = end;
        }
        sb.Append(System.Text.Encoding.UTF8.GetString(utf8, prev, utf8.Length - prev));
        return sb.ToString();
    }
}
