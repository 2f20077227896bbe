using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

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

    /// <summary>Rewrites Oniguruma syntax .NET spells differently: possessive quantifiers become atomic groups.</summary>
    internal static string ToDotNet(string p)
    {
        var sb = new StringBuilder(p.Length + 16);
        var groupStarts = new Stack<int>();
        int lastAtom = -1;
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            switch (c)
            {
                case '\\':
                    lastAtom = sb.Length;
                    sb.Append(c);
                    if (i + 1 < p.Length)
                    {
                        char e = p[++i];
                        sb.Append(e);
                        if ((e is 'p' or 'P') && i + 1 < p.Length && p[i + 1] == '{')
                        {
                            int close = p.IndexOf('}', i + 1);
                            if (close < 0) close = p.Length - 1;
                            sb.Append(p, i + 1, close - i);
                            i = close;
                        }
                    }
                    break;
                case '[':
                {
                    // A class, nested classes included (Ruby allows [a-z&&[^aeiou]]; .NET rejects what it cannot read).
                    lastAtom = sb.Length;
                    int j = i + 1, depth = 1;
                    if (j < p.Length && p[j] == '^') j++;
                    if (j < p.Length && p[j] == ']') j++;
                    for (; j < p.Length && depth > 0; j++)
                    {
                        if (p[j] == '\\') j++;
                        else if (p[j] == '[') depth++;
                        else if (p[j] == ']') depth--;
                    }
                    int end = Math.Min(j, p.Length);
                    sb.Append(p, i, end - i);
                    i = end - 1;
                    break;
                }
                case '(':
                    groupStarts.Push(sb.Length);
                    sb.Append(c);
                    lastAtom = -1;
                    break;
                case ')':
                    sb.Append(c);
                    lastAtom = groupStarts.Count > 0 ? groupStarts.Pop() : -1;
                    break;
                case '*' or '+' or '?' or '{':
                {
                    int qStart = i;
                    if (c == '{')
                    {
                        int close = p.IndexOf('}', i);
                        if (close < 0) { sb.Append(c); lastAtom = -1; break; }
                        i = close;
                    }
                    string q = p.Substring(qStart, i - qStart + 1);
                    if (i + 1 < p.Length && p[i + 1] == '+' && lastAtom >= 0)
                    {
                        sb.Insert(lastAtom, "(?>");
                        sb.Append(q).Append(')');
                        i++;
                    }
                    else
                    {
                        sb.Append(q);
                        if (i + 1 < p.Length && p[i + 1] == '?') sb.Append(p[++i]);
                    }
                    lastAtom = -1;
                    break;
                }
                default:
                    lastAtom = c is '|' or '^' or '$' ? -1 : sb.Length;
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

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
