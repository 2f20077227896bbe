using System.Text;

namespace Aotml.Text;

/// <summary>The one translation of the regex dialects tokenizers are written in (Rust's regex for tiktoken patterns,
/// Oniguruma for tokenizer.json) into .NET Regex syntax.</summary>
internal static class RegexSyntax
{
    /// <summary>
    /// Rewrites Oniguruma/Rust regex syntax that .NET spells differently: possessive quantifiers (<c>X++</c>,
    /// <c>X*+</c>, <c>X?+</c>, <c>X{m,n}+</c>) become atomic groups <c>(?&gt;X+)</c>; with
    /// <paramref name="dollarIsEndOfText"/>, <c>$</c> becomes <c>\z</c> (Rust's <c>$</c> without the multi-line
    /// flag is the end of the text; .NET's also matches before a final newline); Unicode script properties
    /// (<c>\p{Han}</c>) become classes (<see cref="RegexScriptProperty"/>).
    /// </summary>
    public static string ToDotNet(string p, bool dollarIsEndOfText)
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
                            if (close > i + 1 && RegexScriptProperty.Translate(p[(i + 2)..close], e == 'P', inClass: false) is { } script)
                                sb.Length -= 2;   // the script's class replaces \p
                            else script = null;
                            sb.Append(script ?? p.Substring(i + 1, close - i));
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
                    RegexScriptProperty.AppendClass(sb, p, i, end);
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
                case '$' when dollarIsEndOfText:
                    sb.Append(@"\z");
                    lastAtom = -1;
                    break;
                default:
                    lastAtom = c is '|' or '^' or '$' ? -1 : sb.Length;
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
