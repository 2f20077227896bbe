using System.Text.Json;
using Aotml.Text;
using Aotml.Tiktoken;
using Aotml.Tokenization.Normalizers;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>Splits at the matches of a literal or regex pattern, keeping the matches as the behaviour says (or,
/// inverted, at the text between matches).</summary>
public sealed class SplitPreTokenizer : IPreTokenizer
{
    // The GPT-family patterns (GPT-2, cl100k/llama3, o200k) match at every position, so with Isolated and no
    // inversion the pieces are exactly tiktoken's: the hand-written scanners produce them without a regex.
    private readonly SplitPattern.Kind _scanner = SplitPattern.Kind.Regex;
    // Other patterns with a hand-written scanner (DeepSeek V3's), under the same conditions.
    private readonly SplitScanners.Kind _other;

    /// <summary>The pattern.</summary>
    public ReplacePattern Pattern { get; }

    /// <summary>What happens to the matches.</summary>
    public SplitBehavior Behavior { get; }

    /// <summary>Whether the text between matches is what is matched.</summary>
    public bool Invert { get; }

    /// <summary>A split by <paramref name="pattern"/>.</summary>
    public SplitPreTokenizer(ReplacePattern pattern, SplitBehavior behavior, bool invert)
    {
        Pattern = pattern;
        Behavior = behavior;
        Invert = invert;
        if (pattern.IsRegex && behavior == SplitBehavior.Isolated && !invert)
        {
            try
            {
                _scanner = new SplitPattern(pattern.Source).Which;
            }
            catch (ConfigurationException)
            {
                // Not a pattern tiktoken knows; the Oniguruma emulation handles it.
            }
            if (_scanner == SplitPattern.Kind.Regex) _other = SplitScanners.Recognize(pattern.Source);
        }
    }

    /// <summary>Reads {"type": "Split", "pattern": {...}, "behavior": ..., "invert": bool}.</summary>
    public static SplitPreTokenizer FromJson(JsonElement e, string path) =>
        new(ReplacePattern.FromJson(e, "pattern", path), Splitting.Parse(e, "behavior", path), JsonFields.Bool(e, "invert", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Split");
        Pattern.WriteJson(w, "pattern");
        w.WriteString("behavior", Splitting.Name(Behavior));
        w.WriteBoolean("invert", Invert);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text)
    {
        switch (_scanner)
        {
            case SplitPattern.Kind.Gpt2: Scan<Gpt2Scanner>(text); return;
            case SplitPattern.Kind.Cl100k: Scan<Cl100kScanner>(text); return;
            case SplitPattern.Kind.O200k: Scan<O200kScanner>(text); return;
            case SplitPattern.Kind.Cl100kPossessive: Scan<Cl100kPossessiveScanner>(text); return;
        }
        switch (_other)
        {
            case SplitScanners.Kind.DigitGroups: Scan<SplitScanners.DigitGroups>(text); return;
            case SplitScanners.Kind.CjkRuns: Scan<SplitScanners.CjkRuns>(text); return;
            case SplitScanners.Kind.DeepSeekWords: Scan<SplitScanners.DeepSeekWords>(text); return;
        }
        text.Split(piece =>
        {
            var matches = Splitting.FromRanges(piece.Length, Pattern.Regex.FindAll(piece.NormalizedUtf8));
            return Invert ? Splitting.Invert(matches) : matches;
        }, Behavior);
    }

    /// <summary>
    /// Cuts every piece where the scanner ends a piece (as <see cref="PreTokenizedString.Split{TScanner}"/>), but
    /// keeps a piece the scanner leaves whole as it is.
    /// </summary>
    /// <remarks>
    /// Performance notes: in a Sequence of Splits (DeepSeek V3 has three) most pieces pass most Splits uncut, and
    /// slicing each into a copy of itself was a third of those Splits' time. The piece itself is what the slice
    /// would be when its alignments span its whole original text (else the slice narrows the original, as HF's
    /// does, so it is taken).
    /// </remarks>
    private static void Scan<TScanner>(PreTokenizedString text) where TScanner : struct, IPieceScanner
        => text.Split((_, piece) =>
        {
            var bytes = piece.NormalizedUtf8;
            if (bytes.IsEmpty) return [];
            int end = TScanner.Next(bytes, 0);
            var align = piece.Alignments;
            if (end == bytes.Length && align[0].Start == 0 && align[^1].End == piece.OriginalLength) return [piece];
            var parts = new List<NormalizedString>();
            for (int pos = 0; ;)
            {
                parts.Add(piece.Slice(OffsetReferential.Normalized, pos, end)!);
                pos = end;
                if (pos >= bytes.Length) return parts;
                end = TScanner.Next(bytes, pos);
            }
        });
}
