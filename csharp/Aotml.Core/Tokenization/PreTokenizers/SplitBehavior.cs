using System.Text.Json;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>What a split does with the delimiters it finds (HF <c>SplitDelimiterBehavior</c>).</summary>
public enum SplitBehavior
{
    /// <summary>Delimiters are dropped.</summary>
    Removed,
    /// <summary>Each delimiter becomes a piece of its own.</summary>
    Isolated,
    /// <summary>Each delimiter joins the piece before it.</summary>
    MergedWithPrevious,
    /// <summary>Each delimiter joins the piece after it.</summary>
    MergedWithNext,
    /// <summary>Consecutive delimiters form one piece.</summary>
    Contiguous,
}

/// <summary>A range of a piece's normalized UTF-8 and whether it is a delimiter (a match of the pattern).</summary>
public readonly record struct Match(int Start, int End, bool IsMatch);

/// <summary>Applies a <see cref="SplitBehavior"/> to the matches found in a piece (HF <c>NormalizedString::split</c>).</summary>
public static class Splitting
{
    /// <summary>The JSON name of a behaviour (serde writes the variant name).</summary>
    public static string Name(SplitBehavior b) => b.ToString();

    /// <summary>Reads a behaviour field.</summary>
    public static SplitBehavior Parse(JsonElement e, string name, string path, SplitBehavior? fallback = null)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return fallback ?? throw JsonFields.Error(path, name, "missing split behavior");
        return v.ValueKind == JsonValueKind.String ? v.GetString() switch
        {
            "Removed" => SplitBehavior.Removed,
            "Isolated" => SplitBehavior.Isolated,
            "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitBehavior.MergedWithNext,
            "Contiguous" => SplitBehavior.Contiguous,
            var s => throw JsonFields.Error(path, name, $"unknown split behavior \"{s}\" (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)"),
        } : throw JsonFields.Error(path, name, $"expected a string, got {v.ValueKind}");
    }

    /// <summary>Turns matches into the ranges to keep, then slices them out of <paramref name="piece"/>.</summary>
    public static List<Text.NormalizedString> Split(Text.NormalizedString piece, List<Match> matches, SplitBehavior behavior)
    {
        var ranges = new List<(int Start, int End, bool Remove)>(matches.Count);
        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var m in matches) ranges.Add((m.Start, m.End, false));
                break;
            case SplitBehavior.Removed:
                foreach (var m in matches) ranges.Add((m.Start, m.End, m.IsMatch));
                break;
            case SplitBehavior.Contiguous:
            {
                bool previous = false;
                foreach (var m in matches)
                {
                    if (m.IsMatch == previous && ranges.Count > 0)
                        ranges[^1] = (ranges[^1].Start, m.End, false);
                    else
                        ranges.Add((m.Start, m.End, false));
                    previous = m.IsMatch;
                }
                break;
            }
            case SplitBehavior.MergedWithPrevious:
            {
                bool previous = false;
                foreach (var m in matches)
                {
                    if (m.IsMatch && !previous && ranges.Count > 0)
                        ranges[^1] = (ranges[^1].Start, m.End, false);
                    else
                        ranges.Add((m.Start, m.End, false));
                    previous = m.IsMatch;
                }
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                bool previous = false;
                for (int i = matches.Count - 1; i >= 0; i--)
                {
                    var m = matches[i];
                    if (m.IsMatch && !previous && ranges.Count > 0)
                        ranges[^1] = (m.Start, ranges[^1].End, false);
                    else
                        ranges.Add((m.Start, m.End, false));
                    previous = m.IsMatch;
                }
                ranges.Reverse();
                break;
            }
        }
        var pieces = new List<Text.NormalizedString>(ranges.Count);
        foreach (var (s, e, remove) in ranges)
            if (!remove)
                pieces.Add(piece.Slice(Text.OffsetReferential.Normalized, s, e)
                    ?? throw new InvalidOperationException($"split range {s}..{e} is not a character range"));
        return pieces;
    }

    /// <summary>HF's <c>Invert</c>: matches become gaps and gaps matches.</summary>
    public static List<Match> Invert(List<Match> matches)
    {
        for (int i = 0; i < matches.Count; i++)
            matches[i] = matches[i] with { IsMatch = !matches[i].IsMatch };
        return matches;
    }

    /// <summary>Every character for which <paramref name="predicate"/> holds is a match of its own (HF's
    /// <c>Fn(char) -> bool</c> pattern); the runs between them are gaps.</summary>
    public static List<Match> ByChar(ReadOnlySpan<byte> text, Func<int, bool> predicate)
    {
        var list = new List<Match>();
        if (text.IsEmpty)
        {
            list.Add(new Match(0, 0, false));
            return list;
        }
        int last = 0, i = 0;
        while (i < text.Length)
        {
            int c = Text.Utf8.Decode(text, i, out int len);
            if (predicate(c))
            {
                if (last < i) list.Add(new Match(last, i, false));
                list.Add(new Match(i, i + len, true));
                last = i + len;
            }
            i += len;
        }
        if (i > last) list.Add(new Match(last, i, false));
        return list;
    }

    /// <summary>Matches from a list of match ranges that tile nothing in particular (a regex's finds): the gaps
    /// between them are added (HF's regex pattern).</summary>
    public static List<Match> FromRanges(int length, List<(int Start, int End)> found)
    {
        var list = new List<Match>(found.Count * 2 + 1);
        if (length == 0)
        {
            list.Add(new Match(0, 0, false));
            return list;
        }
        int prev = 0;
        foreach (var (s, e) in found)
        {
            if (prev != s) list.Add(new Match(prev, s, false));
            list.Add(new Match(s, e, true));
            prev = e;
        }
        if (prev != length) list.Add(new Match(prev, length, false));
        return list;
    }
}
