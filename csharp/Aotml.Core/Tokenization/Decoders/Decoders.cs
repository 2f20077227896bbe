using System.Text;

namespace Aotml.Tokenization.Decoders;

/// <summary>String helpers with Rust's semantics.</summary>
internal static class Decoders
{
    /// <summary>Rust's <c>str::replace</c>: an empty pattern matches before every character and at the end.</summary>
    public static string Replace(string s, string from, string to)
    {
        if (from.Length > 0) return s.Replace(from, to, StringComparison.Ordinal);
        var sb = new StringBuilder(s.Length * (1 + to.Length) + to.Length);
        foreach (var r in s.EnumerateRunes()) sb.Append(to).Append(r.ToString());
        return sb.Append(to).ToString();
    }
}
