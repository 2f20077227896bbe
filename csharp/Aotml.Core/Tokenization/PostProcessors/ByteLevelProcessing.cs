using System.Text.Json;
using Aotml.Tokenization.PreTokenizers;

namespace Aotml.Tokenization.PostProcessors;

/// <summary>GPT-2's post-processing: no special tokens, only offsets trimmed of the spaces tokens carry.</summary>
public sealed class ByteLevelProcessing(bool addPrefixSpace = true, bool trimOffsets = true, bool useRegex = true) : IPostProcessor
{
    /// <summary>Whether the pre-tokenizer added a space before the text (which trimming then keeps).</summary>
    public bool AddPrefixSpace { get; } = addPrefixSpace;

    /// <summary>Whether offsets are trimmed.</summary>
    public bool TrimOffsets { get; } = trimOffsets;

    /// <summary>Kept for the JSON form.</summary>
    public bool UseRegex { get; } = useRegex;

    /// <summary>Reads {"type": "ByteLevel", "add_prefix_space", "trim_offsets", "use_regex"}.</summary>
    public static ByteLevelProcessing FromJson(JsonElement e, string path)
    {
        var (a, t, u) = ByteLevelPreTokenizer.ReadOptions(e, path);
        return new ByteLevelProcessing(a, t, u);
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w) => ByteLevelPreTokenizer.WriteOptions(w, AddPrefixSpace, TrimOffsets, UseRegex);

    /// <inheritdoc/>
    public int AddedTokens(bool isPair) => 0;

    /// <inheritdoc/>
    public IReadOnlyList<Encoding> ProcessEncodings(IReadOnlyList<Encoding> encodings, bool addSpecialTokens)
    {
        if (TrimOffsets)
            foreach (var e in encodings)
            {
                EncodingParts.TrimOffsets(e, AddPrefixSpace);
                foreach (var o in e.Overflowing) EncodingParts.TrimOffsets(o, AddPrefixSpace);
            }
        for (int i = 0; i < encodings.Count; i++) EncodingParts.SetSequenceId(encodings[i], i);
        return encodings;
    }
}
