using System.Text.Json;
using Aotml.Tokenization.PreTokenizers;

namespace Aotml.Tokenization.Decoders;

/// <summary>Maps the byte-level alphabet back to bytes and decodes them as UTF-8 (invalid sequences become U+FFFD);
/// a token with a character outside the alphabet contributes its own UTF-8 instead.</summary>
public sealed class ByteLevelDecoder(bool addPrefixSpace = true, bool trimOffsets = true, bool useRegex = true) : IDecoder
{
    /// <summary>Kept for the JSON form.</summary>
    public bool AddPrefixSpace { get; } = addPrefixSpace;

    /// <summary>Kept for the JSON form.</summary>
    public bool TrimOffsets { get; } = trimOffsets;

    /// <summary>Kept for the JSON form.</summary>
    public bool UseRegex { get; } = useRegex;

    /// <summary>Reads {"type": "ByteLevel", ...}.</summary>
    public static ByteLevelDecoder FromJson(JsonElement e, string path)
    {
        var (a, t, u) = ByteLevelPreTokenizer.ReadOptions(e, path);
        return new ByteLevelDecoder(a, t, u);
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w) => ByteLevelPreTokenizer.WriteOptions(w, AddPrefixSpace, TrimOffsets, UseRegex);

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens)
    {
        var bytes = new List<byte>();
        var one = new List<byte>();
        foreach (var t in tokens)
        {
            one.Clear();
            bool all = true;
            foreach (var r in t.EnumerateRunes())
            {
                if (ByteLevelAlphabet.ByteOf(r.Value) is byte b) one.Add(b);
                else { all = false; break; }
            }
            if (all) bytes.AddRange(one);
            else bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(t));
        }
        return [System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes))];
    }
}
