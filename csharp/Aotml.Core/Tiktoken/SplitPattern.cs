using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Aotml.Text;

namespace Aotml.Tiktoken;

/// <summary>The pre-tokenizer: a hand-written scanner for a known pattern, or .NET Regex for any other.</summary>
internal sealed class SplitPattern
{
    /// <summary>Which scanner (or the regex) splits the text.</summary>
    public enum Kind { Gpt2, Cl100k, O200k, Regex, Cl100kPossessive }

    // Every pattern string tiktoken has shipped for its encodings (its tiktoken_ext/openai_public.py through 0.14,
    // and npm tiktoken 1.0.22's encoders/*.json). The later spellings (merged contractions, possessive quantifiers)
    // split like the first one, with one exception: cl100k's `\s++$`, tried before `\s*[\r\n]`, keeps a
    // whitespace run that ends the text whole even when it holds a newline (Cl100kPossessive).
    private static readonly Dictionary<string, Kind> s_known = new(StringComparer.Ordinal)
    {
        [@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"] = Kind.Gpt2,
        [@"'s|'t|'re|'ve|'m|'ll|'d| ?[\p{L}]+| ?[\p{N}]+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"] = Kind.Gpt2,
        [@"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"] = Kind.Gpt2,
        [@"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"] = Kind.Gpt2,
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = Kind.Cl100k,
        [@"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+"] = Kind.Cl100k,
        [@"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"] = Kind.Cl100kPossessive,
        [@"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = Kind.O200k,
    };

    /// <summary>
    /// How long one match of a custom pattern may run. tiktoken's fancy-regex stops a match after a million
    /// backtracking steps and raises; a timeout is .NET's equivalent bound, far above what any sane pattern needs
    /// for one piece, and it is what ends a call on a catastrophically backtracking pattern (Ctrl-C included).
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    public Kind Which { get; }
    public string Source { get; }
    private readonly Regex? _regex;

    public SplitPattern(string pattern)
    {
        Source = pattern;
        if (s_known.TryGetValue(pattern, out var k)) { Which = k; return; }
        Which = Kind.Regex;
        try
        {
            _regex = new Regex(ToDotNet(pattern), RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"pat_str is not a supported regular expression: {e.Message}", e);
        }
    }

    /// <summary>Rewrites the Rust/PCRE syntax tiktoken patterns use into .NET syntax; `$` (no multi-line flag in
    /// tiktoken's patterns) is the end of the text, as in Rust.</summary>
    internal static string ToDotNet(string p) => RegexSyntax.ToDotNet(p, dollarIsEndOfText: true);

    /// <summary>The regex matches over UTF-8 text as byte ranges, appended to <paramref name="ranges"/>.</summary>
    /// <remarks>
    /// .NET's Regex works on UTF-16 units, so an astral letter would reach \p{L} as two surrogates. The text is
    /// therefore decoded with each astral code point replaced by one BMP stand-in of the same general category
    /// (a rarely written character, so literals in the pattern do not meet it); match offsets map back to bytes.
    /// </remarks>
    public void Matches(ReadOnlySpan<byte> text, List<(int Start, int End)> ranges)
    {
        if (!Utf8.IsValid(text)) throw new EncodeException("text is not valid UTF-8");
        var chars = new char[text.Length];
        var byteAt = new int[text.Length + 1];   // byte offset of each char, plus the end
        int m = 0;
        for (int i = 0; i < text.Length;)
        {
            int cp = Utf8.Decode(text, i, out int len);
            byteAt[m] = i;
            chars[m++] = cp < 0x10000 ? (char)cp : StandIn(cp);
            i += len;
        }
        byteAt[m] = text.Length;
        int at = 0;
        try
        {
            foreach (var match in _regex!.EnumerateMatches(chars.AsSpan(0, m)))
            {
                at = match.Index + match.Length;
                if (match.Length == 0) continue;
                ranges.Add((byteAt[match.Index], byteAt[match.Index + match.Length]));
            }
        }
        catch (RegexMatchTimeoutException)
        {
            throw new EncodeException(
                $"pat_str {TiktokenEncoding.PyRepr(Source)} backtracks catastrophically: one match took over "
                + $"{MatchTimeout.TotalSeconds:0} s (after byte {byteAt[at]} of {text.Length}). tiktoken stops such patterns "
                + "too (fancy-regex's backtrack limit); make the repeated groups possessive (`++`, `*+`) or atomic (`(?>...)`).");
        }
    }

    private static readonly char[] s_standIns = BuildStandIns();

    private static char StandIn(int cp) => s_standIns[(int)CharUnicodeInfo.GetUnicodeCategory(cp)];

    // For each general category, the highest non-space BMP character of that category (U+E000 for private use,
    // an unassigned code point for Cn).
    private static char[] BuildStandIns()
    {
        var t = new char[32];
        Array.Fill(t, '\u0378');
        for (int c = 0xFFFD; c >= 0x80; c--)
        {
            if (c is >= 0xD800 and <= 0xDFFF || char.IsWhiteSpace((char)c)) continue;
            int cat = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
            if (t[cat] == '\u0378') t[cat] = (char)c;
        }
        t[(int)UnicodeCategory.PrivateUse] = '\uE000';
        t[(int)UnicodeCategory.OtherNotAssigned] = '\u0378';
        return t;
    }
}
