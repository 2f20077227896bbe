using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Replaces every match of a literal or regex pattern by a fixed content.</summary>
public sealed class ReplaceNormalizer(ReplacePattern pattern, string content) : INormalizer
{
    /// <summary>What is replaced.</summary>
    public ReplacePattern Pattern { get; } = pattern;

    /// <summary>What replaces it.</summary>
    public string Content { get; } = content;

    /// <summary>Reads {"type": "Replace", "pattern": {"String"|"Regex": ...}, "content": string}.</summary>
    public static ReplaceNormalizer FromJson(JsonElement e, string path) =>
        new(ReplacePattern.FromJson(e, "pattern", path), JsonFields.String(e, "content", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Replace");
        Pattern.WriteJson(w, "pattern");
        w.WriteString("content", Content);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text)
    {
        if (!Pattern.IsRegex && Pattern.Source.Length > 0)
        {
            text.Replace(Pattern.Source, Content);
            return;
        }
        // Each match is removed and the content inserted after the character before it (HF's transform_range
        // with every removed character as the initial offset), shifting later matches by the length change.
        var found = Pattern.Regex.FindAll(text.NormalizedUtf8);
        if (found.Count == 0) return;
        var content = new List<(int, int)>();
        int contentBytes = 0;
        foreach (var r in Content.EnumerateRunes())
        {
            content.Add((r.Value, 1));
            contentBytes += r.Utf8SequenceLength;
        }
        int shift = 0;
        foreach (var (start, end) in found)
        {
            int s = start + shift, e = end + shift;
            int removed = 0;
            var bytes = text.NormalizedUtf8;
            for (int i = s; i < e; i++)
                if ((bytes[i] & 0xC0) != 0x80) removed++;
            text.TransformRange(s, e, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(content), removed);
            shift += contentBytes - (end - start);
        }
    }
}
