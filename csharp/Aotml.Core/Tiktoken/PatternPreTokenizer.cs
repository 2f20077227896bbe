using Aotml.Text;
using Aotml.Tokenization;

namespace Aotml.Tiktoken;

/// <summary>
/// A tiktoken split pattern as a pipeline pre-tokenizer: the hand-written scanner for a known pattern (gpt2,
/// cl100k, o200k), .NET Regex for any other. The same pieces tiktoken merges, for tokenizer.json files whose Split
/// pre-tokenizer uses one of these patterns.
/// </summary>
public sealed class PatternPreTokenizer : IPreTokenizer
{
    private readonly SplitPattern _pattern;

    /// <summary>A pre-tokenizer for <paramref name="pattern"/>; ConfigurationException if .NET cannot compile it.</summary>
    public PatternPreTokenizer(string pattern) => _pattern = new SplitPattern(pattern);

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text)
    {
        switch (_pattern.Which)
        {
            case SplitPattern.Kind.Gpt2: text.Split<Gpt2Scanner>(); break;
            case SplitPattern.Kind.Cl100k: text.Split<Cl100kScanner>(); break;
            case SplitPattern.Kind.O200k: text.Split<O200kScanner>(); break;
            case SplitPattern.Kind.Cl100kPossessive: text.Split<Cl100kPossessiveScanner>(); break;
            default:
                text.Split((_, piece) =>
                {
                    var ranges = new List<(int Start, int End)>();
                    _pattern.Matches(piece.NormalizedUtf8, ranges);
                    return ranges.Select(r => piece.Slice(OffsetReferential.Normalized, r.Start, r.End)!);
                });
                break;
        }
    }
}
