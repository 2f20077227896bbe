using Aotml.Text.Normalization;
using Aotml.Tokenization.PreTokenizers;

namespace Aotml.Tokenization.PostProcessors;

/// <summary>Building blocks of the post-processors: appending special tokens and whole sequences column by column,
/// and GPT-2's offset trimming.</summary>
internal static class EncodingParts
{
    /// <summary>Whether token strings travel with these encodings (none of them is a non-empty ids-only encoding).</summary>
    public static bool WithTokens(IEnumerable<Encoding> encodings)
    {
        foreach (var e in encodings)
            if (e.Length > 0 && e.Tokens.Count != e.Length) return false;
        return true;
    }

    /// <summary>Appends a special token: no offsets, no word, no sequence, special mask 1.</summary>
    public static void AddSpecial(Encoding dst, string token, uint id, uint typeId, bool withTokens)
    {
        dst.Ids.Add(id);
        dst.TypeIds.Add(typeId);
        if (withTokens) dst.Tokens.Add(token);
        dst.Offsets.Add((0, 0));
        dst.WordIds.Add(-1);
        dst.SpecialTokensMask.Add(1);
        dst.AttentionMask.Add(1);
    }

    /// <summary>
    /// Appends the tokens of <paramref name="src"/> as sequence <paramref name="sequenceId"/>: type ids replaced by
    /// <paramref name="typeId"/> unless null; with <paramref name="reset"/>, special mask 0 and attention 1 (what
    /// Bert and Roberta processing write), else both copied (Template processing clones the encoding).
    /// </summary>
    public static void AddSequence(Encoding dst, Encoding src, uint? typeId, int sequenceId, bool reset, bool withTokens)
    {
        int start = dst.Length;
        dst.Ids.AddRange(src.Ids);
        if (typeId is uint t) dst.TypeIds.AddRange(Enumerable.Repeat(t, src.Length));
        else dst.TypeIds.AddRange(src.TypeIds);
        if (withTokens) dst.Tokens.AddRange(src.Tokens);
        dst.Offsets.AddRange(src.Offsets);
        dst.WordIds.AddRange(src.WordIds);
        if (reset)
        {
            dst.SpecialTokensMask.AddRange(Enumerable.Repeat((byte)0, src.Length));
            dst.AttentionMask.AddRange(Enumerable.Repeat((byte)1, src.Length));
        }
        else
        {
            dst.SpecialTokensMask.AddRange(src.SpecialTokensMask);
            dst.AttentionMask.AddRange(src.AttentionMask);
        }
        dst.SequenceRanges[sequenceId] = (start, start + src.Length);
    }

    /// <summary>HF <c>set_type_ids</c>: this encoding only, not its overflows.</summary>
    public static void SetTypeIds(Encoding e, uint typeId)
    {
        for (int i = 0; i < e.TypeIds.Count; i++) e.TypeIds[i] = typeId;
    }

    /// <summary>HF <c>set_sequence_id</c>: every token of this encoding (not its overflows) belongs to the sequence.</summary>
    public static void SetSequenceId(Encoding e, int id)
        => e.SetSequenceId(id);

    private static readonly int s_space = ByteLevelAlphabet.CharOf((byte)' ');

    private static bool IsSpace(int c) => c == s_space || Ucd.IsWhiteSpace(c);

    /// <summary>
    /// GPT-2's offset trimming (HF <c>process_offsets</c>): a token's leading and trailing spaces ("Ġ" or whitespace)
    /// are cut from its byte offsets, except the one space add_prefix_space put before the first token. Needs the
    /// token strings; an ids-only encoding keeps its offsets.
    /// </summary>
    public static void TrimOffsets(Encoding e, bool addPrefixSpace)
    {
        if (e.Tokens.Count != e.Length) return;
        for (int i = 0; i < e.Length; i++)
        {
            string token = e.Tokens[i];
            var runes = token.EnumerateRunes().Select(r => r.Value).ToArray();
            int leading = 0, trailing = 0;
            while (leading < runes.Length && IsSpace(runes[leading])) leading++;
            while (trailing < runes.Length && IsSpace(runes[runes.Length - 1 - trailing])) trailing++;
            if (leading == 0 && trailing == 0) continue;
            var (start, end) = e.Offsets[i];
            if (leading > 0)
            {
                bool first = i == 0 || start == 0;
                if (first && addPrefixSpace && leading == 1) leading = 0;
                start = Math.Min(start + leading, end);
            }
            if (trailing > 0 && end >= trailing)
                end = Math.Max(end - trailing, start);
            e.Offsets[i] = (start, end);
        }
    }
}
