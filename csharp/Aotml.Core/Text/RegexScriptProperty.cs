using System.Globalization;
using System.Text;
using Aotml.Text.Generated;

namespace Aotml.Text;

/// <summary>
/// Oniguruma's Unicode script properties (<c>\p{Han}</c>, <c>\p{Hiragana}</c>, <c>\P{Latin}</c>, <c>\p{^Greek}</c>,
/// names matched loosely: case, spaces, hyphens and underscores aside), which .NET Regex lacks, as character-class
/// ranges from the UCD's Scripts.txt.
/// </summary>
/// <remarks>
/// Only the Basic Multilingual Plane is covered: the regex runner shows .NET an astral character as a BMP stand-in of
/// its general category, so a class of astral ranges could never match it anyway.
/// </remarks>
internal static class RegexScriptProperty
{
    /// <summary>
    /// The .NET spelling of the property <c>\p{<paramref name="name"/>}</c> (<c>\P</c> when
    /// <paramref name="negated"/>): a class (<c>[...]</c>), or bare ranges when <paramref name="inClass"/>; null
    /// when <paramref name="name"/> is no script (a general category or block .NET reads itself).
    /// </summary>
    public static string? Translate(string name, bool negated, bool inClass)
    {
        if (name.StartsWith('^'))
        {
            negated = !negated;
            name = name[1..];
        }
        if (IsDotNetName(name)) return null;
        var key = new StringBuilder(name.Length);
        foreach (char c in name)
            if (c is not (' ' or '_' or '-')) key.Append(char.ToLowerInvariant(c));
        if (!RegexScripts.Ranges.TryGetValue(key.ToString(), out var ranges)) return null;
        if (inClass) return negated ? Complement(ranges) : ranges;
        // A script with no BMP character (Old Italic, ...) matches nothing here; its negation, anything.
        if (ranges.Length == 0) return negated ? @"[\s\S]" : @"[^\s\S]";
        return (negated ? "[^" : "[") + ranges + "]";
    }

    private static readonly HashSet<string> s_categories =
    [
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe", "Pi",
        "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
    ];

    // General categories (L, Lu, ...) and blocks (IsGreek, ...) as .NET spells them: left to .NET.
    private static bool IsDotNetName(string name) =>
        s_categories.Contains(name) || (name.Length > 2 && name.StartsWith("Is", StringComparison.Ordinal) && char.IsUpper(name[2]));

    /// <summary>
    /// Appends the class <c>p[start..end]</c> with its script properties translated (other escapes copied).
    /// </summary>
    public static void AppendClass(StringBuilder sb, string p, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            if (p[i] != '\\' || i + 1 >= end) { sb.Append(p[i]); continue; }
            char e = p[i + 1];
            int close = e is 'p' or 'P' && i + 2 < end && p[i + 2] == '{' ? p.IndexOf('}', i + 3) : -1;
            if (close > 0 && close < end && Translate(p[(i + 3)..close], e == 'P', inClass: true) is { } ranges)
            {
                sb.Append(ranges);
                i = close;
                continue;
            }
            sb.Append(p[i]).Append(e);
            i++;
        }
    }

    // The BMP ranges outside the given ones, in the same \uXXXX-\uXXXX spelling.
    private static string Complement(string ranges)
    {
        var sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < ranges.Length;)
        {
            int lo = Hex(ranges, i), hi = lo;
            i += 6;
            if (i < ranges.Length && ranges[i] == '-')
            {
                hi = Hex(ranges, i + 1);
                i += 7;
            }
            if (lo > next) Append(sb, next, lo - 1);
            next = hi + 1;
        }
        if (next <= 0xFFFF) Append(sb, next, 0xFFFF);
        return sb.ToString();
    }

    private static int Hex(string s, int at) => int.Parse(s.AsSpan(at + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static void Append(StringBuilder sb, int lo, int hi)
    {
        sb.Append(CultureInfo.InvariantCulture, $"\\u{lo:X4}");
        if (hi > lo) sb.Append(CultureInfo.InvariantCulture, $"-\\u{hi:X4}");
    }
}
