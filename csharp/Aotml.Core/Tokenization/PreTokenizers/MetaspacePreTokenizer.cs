using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>When Metaspace adds its replacement character before the text.</summary>
public enum PrependScheme
{
    /// <summary>Before every piece that does not start with it.</summary>
    Always,
    /// <summary>Only before the piece at the start of the original text.</summary>
    First,
    /// <summary>Never.</summary>
    Never,
}

/// <summary>
/// SentencePiece's spaces: every space becomes the replacement character ("▁"), one is prepended as the scheme says,
/// and (with split) each piece starts at a replacement character.
/// </summary>
public sealed class MetaspacePreTokenizer(int replacement = 0x2581, PrependScheme prependScheme = PrependScheme.Always, bool split = true) : IPreTokenizer
{
    private readonly string _rep = char.ConvertFromUtf32(replacement);

    /// <summary>The replacement character.</summary>
    public int Replacement { get; } = replacement;

    /// <summary>When the replacement is prepended.</summary>
    public PrependScheme PrependScheme { get; } = prependScheme;

    /// <summary>Whether pieces are cut before each replacement character.</summary>
    public bool SplitPieces { get; } = split;

    /// <summary>Reads the fields shared with the Metaspace decoder (legacy add_prefix_space included).</summary>
    internal static (int Replacement, PrependScheme Scheme, bool Split) ReadOptions(JsonElement e, string path)
    {
        int replacement = JsonFields.Char(e, "replacement", path);
        var scheme = JsonFields.String(e, "prepend_scheme", path, "always") switch
        {
            "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            var s => throw JsonFields.Error(path, "prepend_scheme", $"unknown prepend scheme \"{s}\" (expected always, first or never)"),
        };
        if (JsonFields.OptionalBool(e, "add_prefix_space", path) == false)
        {
            if (scheme != PrependScheme.Never)
                throw JsonFields.Error(path, "add_prefix_space", "add_prefix_space does not match declared prepend_scheme");
            scheme = PrependScheme.Never;
        }
        return (replacement, scheme, JsonFields.OptionalBool(e, "split", path) ?? true);
    }

    /// <summary>Writes {"type": "Metaspace", "replacement", "prepend_scheme", "split"}.</summary>
    internal static void WriteOptions(Utf8JsonWriter w, int replacement, PrependScheme scheme, bool split)
    {
        JsonFields.StartComponent(w, "Metaspace");
        w.WriteString("replacement", JsonFields.CharString(replacement));
        w.WriteString("prepend_scheme", scheme switch { PrependScheme.First => "first", PrependScheme.Never => "never", _ => "always" });
        w.WriteBoolean("split", split);
        w.WriteEndObject();
    }

    /// <summary>Reads {"type": "Metaspace", ...}.</summary>
    public static MetaspacePreTokenizer FromJson(JsonElement e, string path)
    {
        var (r, s, sp) = ReadOptions(e, path);
        return new MetaspacePreTokenizer(r, s, sp);
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w) => WriteOptions(w, Replacement, PrependScheme, SplitPieces);

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text) => text.Split((_, piece) =>
    {
        piece.Replace(" ", _rep);
        bool startsWith = piece.Normalized.StartsWith(_rep, StringComparison.Ordinal);
        if (PrependScheme == PrependScheme.Always && !startsWith
            || PrependScheme == PrependScheme.First && !startsWith && piece.OffsetsOriginal.Start == 0)
            piece.Prepend(_rep);
        if (!SplitPieces)
            return [piece];
        return Splitting.Split(piece, Splitting.ByChar(piece.NormalizedUtf8, c => c == Replacement), SplitBehavior.MergedWithNext);
    });
}
