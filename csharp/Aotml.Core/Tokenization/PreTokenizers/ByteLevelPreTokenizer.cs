using System.Text.Json;
using Aotml.Text;
using Aotml.Tiktoken;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>
/// GPT-2's pre-tokenizer: optionally a space before the text, the GPT-2 split pattern, then every byte of every
/// piece mapped to its <see cref="ByteLevelAlphabet"/> character.
/// </summary>
public sealed class ByteLevelPreTokenizer(bool addPrefixSpace = true, bool trimOffsets = true, bool useRegex = true) : IPreTokenizer
{
    /// <summary>Whether a space is prepended to text that does not start with one.</summary>
    public bool AddPrefixSpace { get; } = addPrefixSpace;

    /// <summary>Kept for the JSON form (the post-processor uses it).</summary>
    public bool TrimOffsets { get; } = trimOffsets;

    /// <summary>Whether the GPT-2 pattern splits the text.</summary>
    public bool UseRegex { get; } = useRegex;

    /// <summary>Reads the fields shared by the ByteLevel pre-tokenizer, decoder and post-processor.</summary>
    internal static (bool AddPrefixSpace, bool TrimOffsets, bool UseRegex) ReadOptions(JsonElement e, string path) =>
        (JsonFields.Bool(e, "add_prefix_space", path), JsonFields.Bool(e, "trim_offsets", path),
         JsonFields.Bool(e, "use_regex", path, true));

    /// <summary>Writes {"type": "ByteLevel", "add_prefix_space", "trim_offsets", "use_regex"}.</summary>
    internal static void WriteOptions(Utf8JsonWriter w, bool addPrefixSpace, bool trimOffsets, bool useRegex)
    {
        JsonFields.StartComponent(w, "ByteLevel");
        w.WriteBoolean("add_prefix_space", addPrefixSpace);
        w.WriteBoolean("trim_offsets", trimOffsets);
        w.WriteBoolean("use_regex", useRegex);
        w.WriteEndObject();
    }

    /// <summary>Reads {"type": "ByteLevel", ...}.</summary>
    public static ByteLevelPreTokenizer FromJson(JsonElement e, string path)
    {
        var (a, t, u) = ReadOptions(e, path);
        return new ByteLevelPreTokenizer(a, t, u);
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w) => WriteOptions(w, AddPrefixSpace, TrimOffsets, UseRegex);

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text)
    {
        text.Split((_, piece) =>
        {
            if (AddPrefixSpace && (piece.IsEmpty || piece.NormalizedUtf8[0] != (byte)' '))
                piece.Prepend(" ");
            if (!UseRegex)
                return [piece];
            var parts = new List<NormalizedString>();
            var bytes = piece.NormalizedUtf8;
            for (int pos = 0; pos < bytes.Length;)
            {
                // The tiktoken GPT-2 scanner is this exact pattern, matched at every position.
                int end = Gpt2Scanner.Next(piece.NormalizedUtf8, pos);
                parts.Add(piece.Slice(OffsetReferential.Normalized, pos, end)!);
                pos = end;
            }
            return parts;
        });
        text.Normalize(p =>
        {
            if (!p.IsEmpty) p.Transform(ByteLevelAlphabet.TransformationsScratch(p.NormalizedUtf8), 0);
        });
    }
}
