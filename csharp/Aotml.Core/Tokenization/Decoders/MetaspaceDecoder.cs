using System.Text;
using System.Text.Json;
using Aotml.Tokenization.PreTokenizers;

namespace Aotml.Tokenization.Decoders;

/// <summary>Turns the replacement character back into spaces; in the first token it is dropped instead unless the
/// prepend scheme is never.</summary>
public sealed class MetaspaceDecoder(int replacement = 0x2581, PrependScheme prependScheme = PrependScheme.Always, bool split = true) : IDecoder
{
    /// <summary>The replacement character.</summary>
    public int Replacement { get; } = replacement;

    /// <summary>The prepend scheme of the matching pre-tokenizer.</summary>
    public PrependScheme PrependScheme { get; } = prependScheme;

    /// <summary>Kept for the JSON form.</summary>
    public bool Split { get; } = split;

    /// <summary>Reads {"type": "Metaspace", ...}.</summary>
    public static MetaspaceDecoder FromJson(JsonElement e, string path)
    {
        var (r, s, sp) = MetaspacePreTokenizer.ReadOptions(e, path);
        return new MetaspaceDecoder(r, s, sp);
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w) => MetaspacePreTokenizer.WriteOptions(w, Replacement, PrependScheme, Split);

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            var sb = new StringBuilder(tokens[i].Length);
            foreach (var r in tokens[i].EnumerateRunes())
            {
                if (r.Value != Replacement) sb.Append(r.ToString());
                else if (i != 0 || PrependScheme == PrependScheme.Never) sb.Append(' ');
            }
            result.Add(sb.ToString());
        }
        return result;
    }
}
