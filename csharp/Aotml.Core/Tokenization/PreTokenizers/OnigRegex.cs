using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Aotml.Text;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>
/// The regular expressions of tokenizer.json (Split and Replace patterns), which Hugging Face runs with Oniguruma
/// (Ruby syntax), run here with .NET Regex over UTF-8 text, reporting byte ranges.
/// </summary>
/// <remarks>
/// Differences bridged: possessive quantifiers become atomic groups; <c>^</c> and <c>$</c> are line anchors in Ruby
/// syntax (RegexOptions.Multiline); astral characters reach .NET as one BMP stand-in of the same general category,
/// so <c>\p{L}</c> or <c>.</c> see one character, not two surrogates (unless the pattern itself names an astral
/// character); empty matches follow Oniguruma's iterator (none right where the previous match ended). Left as is:
/// Ruby-only escapes .NET lacks (<c>\h</c>, <c>\R</c>, <c>\X</c>, <c>\K</c>) fail to compile, and the Unicode versions
/// of the two engines' property tables differ for the newest characters.
/// </remarks>
public sealed class OnigRegex
{
    /// <summary>One match may take this long before the call fails (a catastrophically backtracking pattern).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    private readonly Regex _regex;
    private readonly bool _standIns;

    /// <summary>The pattern as tokenizer.json gives it.</summary>
    public string Source { get; }

    /// <summary>Compiles <paramref name="pattern"/>; ConfigurationException (naming <paramref name="where"/>) if .NET cannot.</summary>
    public OnigRegex(string pattern, string where)
    {
        Source = pattern;
        _standIns = !pattern.Any(char.IsSurrogate);
        try
        {
            _regex = new Regex(ToDotNet(pattern), RegexOptions.CultureInvariant | RegexOptions.Multiline, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"{where}: {pattern} is not a supported regular expression: {e.Message}", e);
        }
    }

    /// <summary>A regex matching <paramref name="literal"/> exactly.</summary>
    public static OnigRegex Literal(string literal, string where) => new(Regex.Escape(literal), where);

    /// <summary>Rewrites Oniguruma syntax .NET spells differently (see <see cref="RegexSyntax.ToDotNet"/>); with
    /// RegexOptions.Multiline, `$` keeps Oniguruma's end-of-line meaning.</summary>
    internal static string ToDotNet(string p) => RegexSyntax.ToDotNet(p, dollarIsEndOfText: false);

    /// <summary>The matches in <paramref name="text"/> (valid UTF-8) as byte ranges, leftmost first, as Oniguruma's
    /// iterator yields them.</summary>
    public List<(int Start, int End)> FindAll(ReadOnlySpan<byte> text)
    {
        var found = new List<(int, int)>();
        if (text.IsEmpty) return found;
        var chars = new StringBuilder(text.Length);
        var byteAt = new List<int>(text.Length + 1);   // byte offset of each UTF-16 unit, plus the end
        for (int i = 0; i < text.Length;)
        {
            int cp = Text.Utf8.Decode(text, i, out int len);
            if (cp < 0x10000)
            {
                chars.Append((char)cp);
                byteAt.Add(i);
            }
            else if (_standIns)
            {
                chars.Append(StandIn(cp));
                byteAt.Add(i);
            }
            else
            {
                chars.Append(char.ConvertFromUtf32(cp));
                byteAt.Add(i);
                byteAt.Add(i);
            }
            i += len;
        }
        byteAt.Add(text.Length);
        string s = chars.ToString();
        int at = 0, lastMatchEnd = -1;
        try
        {
            while (at <= s.Length)
            {
                var m = _regex.Match(s, at);
                if (!m.Success) break;
                int start = m.Index, end = m.Index + m.Length;
                if (start == end && end == lastMatchEnd)
                {
                    // Oniguruma's iterator refuses an empty match where the last one ended and moves one character on.
                    if (at >= s.Length) break;
                    at += char.IsHighSurrogate(s[at]) && at + 1 < s.Length ? 2 : 1;
                    continue;
                }
                found.Add((byteAt[start], byteAt[end]));
                lastMatchEnd = end;
                if (end == start)
                {
                    if (end >= s.Length) break;
                    at = end + (char.IsHighSurrogate(s[end]) && end + 1 < s.Length ? 2 : 1);
                    // The next search starts after the empty match but a match may not begin inside it.
                    lastMatchEnd = -1;
                }
                else
                {
                    at = end;
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            throw new EncodeException($"the pattern {Source} backtracks catastrophically: one match took over "
                + $"{MatchTimeout.TotalSeconds:0} s; make its repeated groups possessive or atomic");
        }
        return found;
    }

    private static readonly char[] s_standIns = BuildStandIns();

    private static char StandIn(int cp) => s_standIns[(int)CharUnicodeInfo.GetUnicodeCategory(cp)];

    // For each general category, a BMP character of that category unlikely to be written in a pattern.
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
