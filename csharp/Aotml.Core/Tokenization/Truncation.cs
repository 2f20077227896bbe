namespace Aotml.Tokenization;

/// <summary>Which end of a sequence truncation and padding work on.</summary>
public enum Direction
{
    /// <summary>The start.</summary>
    Left,
    /// <summary>The end.</summary>
    Right,
}

/// <summary>Which sequence of a pair truncation shortens.</summary>
public enum TruncationStrategy
{
    /// <summary>Shorten the longer one first, token by token.</summary>
    LongestFirst,
    /// <summary>Only the first sequence.</summary>
    OnlyFirst,
    /// <summary>Only the second sequence.</summary>
    OnlySecond,
}

/// <summary>HF's truncation settings: at most <paramref name="MaxLength"/> tokens (special tokens included).</summary>
public sealed record TruncationParams(int MaxLength, int Stride = 0, TruncationStrategy Strategy = TruncationStrategy.LongestFirst, Direction Direction = Direction.Right)
{
    /// <summary>The strategy as tokenizer.json spells it.</summary>
    public static string StrategyName(TruncationStrategy s) => s switch
    {
        TruncationStrategy.LongestFirst => "longest_first",
        TruncationStrategy.OnlyFirst => "only_first",
        _ => "only_second",
    };
}

/// <summary>HF's <c>truncate_encodings</c>: shortens a sequence and its optional pair to a total length.</summary>
public static class Truncation
{
    /// <summary>
    /// Truncates <paramref name="encoding"/> and <paramref name="pair"/> in place so that together they hold at most
    /// <paramref name="maxLength"/> tokens, moving what is cut into their overflowing parts.
    /// </summary>
    /// <exception cref="ArgumentException">The strategy cannot reach the length (HF's truncation errors), or the
    /// stride leaves no room.</exception>
    public static void TruncateEncodings(Encoding encoding, Encoding? pair, int maxLength, int stride, TruncationStrategy strategy, Direction direction)
    {
        if (maxLength == 0)
        {
            encoding.Truncate(0, stride, direction);
            pair?.Truncate(0, stride, direction);
            return;
        }
        int total = encoding.Length + (pair?.Length ?? 0);
        if (total <= maxLength) return;
        int toRemove = total - maxLength;
        if (strategy == TruncationStrategy.LongestFirst)
        {
            if (pair is null)
            {
                encoding.Truncate(total - toRemove, stride, direction);
                return;
            }
            int n1 = encoding.Length, n2 = pair.Length;
            bool swap = n1 > n2;
            if (swap) (n1, n2) = (n2, n1);
            n2 = n1 > maxLength ? n1 : Math.Max(n1, maxLength - n1);
            if (n1 + n2 > maxLength)
            {
                n1 = maxLength / 2;
                n2 = n1 + maxLength % 2;
            }
            if (swap) (n1, n2) = (n2, n1);
            encoding.Truncate(n1, stride, direction);
            pair.Truncate(n2, stride, direction);
            return;
        }
        Encoding target = strategy == TruncationStrategy.OnlyFirst ? encoding
            : pair ?? throw new ArgumentException("Truncation error: Second sequence not provided");
        if (target.Length > toRemove) target.Truncate(target.Length - toRemove, stride, direction);
        else throw new ArgumentException("Truncation error: Sequence to truncate too short to respect the provided max_length");
    }
}
