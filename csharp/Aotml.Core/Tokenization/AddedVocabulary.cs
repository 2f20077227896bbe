using System.Text;
using Aotml.Text;
using Aotml.Text.Generated;
using Aotml.Text.Normalization;

namespace Aotml.Tokenization;

/// <summary>A token added on top of the model's vocabulary, with HF's matching flags.</summary>
/// <param name="Content">The text of the token.</param>
/// <param name="SingleWord">Match only where it is not part of a longer word.</param>
/// <param name="LStrip">Also take the white space on its left.</param>
/// <param name="RStrip">Also take the white space on its right.</param>
/// <param name="Normalized">Match against the normalized text (else the original).</param>
/// <param name="Special">A special token: skipped when decoding with skip_special_tokens.</param>
public sealed record AddedToken(string Content, bool SingleWord = false, bool LStrip = false, bool RStrip = false, bool Normalized = true, bool Special = false);

/// <summary>
/// HF's AddedVocabulary: the added tokens with their ids, and the two matchers that find them in text before the
/// model runs, one over the original text (tokens with normalized = false) and one over the normalized text.
/// Immutable; adding tokens makes a new instance.
/// </summary>
public sealed class AddedVocabulary
{
    private readonly Dictionary<string, uint> _byContent;
    private readonly Dictionary<uint, AddedToken> _byId;
    private readonly HashSet<string> _special;
    private readonly Dictionary<uint, string> _normalizedForm;   // tokens whose normalized text differs
    private readonly Matcher? _raw, _normalized;

    /// <summary>No added tokens.</summary>
    public static AddedVocabulary Empty { get; } = new([], [], [], []);

    private AddedVocabulary(Dictionary<string, uint> byContent, Dictionary<uint, AddedToken> byId, HashSet<string> special, Dictionary<uint, string> normalizedForm)
    {
        _byContent = byContent; _byId = byId; _special = special; _normalizedForm = normalizedForm;
        var raw = new List<(byte[], uint)>();
        var norm = new List<(byte[], uint)>();
        foreach (var (id, t) in byId.OrderBy(p => p.Key))
        {
            if (t.Normalized) norm.Add((System.Text.Encoding.UTF8.GetBytes(normalizedForm.TryGetValue(id, out var n) ? n : t.Content), id));
            else raw.Add((System.Text.Encoding.UTF8.GetBytes(t.Content), id));
        }
        _raw = raw.Count > 0 ? new Matcher(raw) : null;
        _normalized = norm.Count > 0 ? new Matcher(norm) : null;
    }

    /// <summary>The number of added tokens.</summary>
    public int Count => _byId.Count;

    /// <summary>Content → id of every added token.</summary>
    public IReadOnlyDictionary<string, uint> Vocab => _byContent;

    /// <summary>The added tokens by id.</summary>
    public IReadOnlyDictionary<uint, AddedToken> ById => _byId;

    /// <summary>The id of an added token.</summary>
    public uint? TokenToId(string content) => _byContent.TryGetValue(content, out uint id) ? id : null;

    /// <summary>The string of added token <paramref name="id"/> for decoding: its normalized form where that differs.</summary>
    public string? IdToToken(uint id) => _byId.TryGetValue(id, out var t) ? _normalizedForm.GetValueOrDefault(id, t.Content) : null;

    /// <summary>Whether <paramref name="content"/> is a special token.</summary>
    public bool IsSpecial(string content) => _special.Contains(content);

    /// <summary>
    /// A vocabulary with <paramref name="tokens"/> added (HF <c>add_tokens</c>): an empty content is ignored, as is a
    /// token already present with the same flags; a content the model or this vocabulary knows keeps its id, any
    /// other gets the next free id after the model's vocabulary and the added ids. <paramref name="added"/> gets how
    /// many were not ignored.
    /// </summary>
    public AddedVocabulary With(IEnumerable<AddedToken> tokens, IModel model, INormalizer? normalizer, out int added)
    {
        var byContent = new Dictionary<string, uint>(_byContent);
        var byId = new Dictionary<uint, AddedToken>(_byId);
        var special = new HashSet<string>(_special);
        var normalizedForm = new Dictionary<uint, string>(_normalizedForm);
        uint vocabSize = (uint)model.VocabSize;
        uint next = byId.Count == 0 ? vocabSize : byId.Keys.Max() is uint max && (max >= vocabSize || vocabSize == 0) ? max + 1 : vocabSize;
        added = 0;
        foreach (var t in tokens)
        {
            if (t.Content.Length == 0) continue;
            if (byContent.TryGetValue(t.Content, out uint known) && byId.TryGetValue(known, out var same) && same == t) continue;
            added++;
            uint id = byContent.TryGetValue(t.Content, out known) ? known : model.TokenToId(t.Content) ?? next++;
            if (t.Normalized && normalizer != null)
            {
                var s = new NormalizedString(t.Content);
                normalizer.Normalize(s);
                if (s.Normalized != t.Content) normalizedForm[id] = s.Normalized;
            }
            byContent[t.Content] = id;
            if (t.Special) special.Add(t.Content);
            byId[id] = t;
        }
        return new AddedVocabulary(byContent, byId, special, normalizedForm);
    }

    /// <summary>
    /// Cuts <paramref name="text"/> at the added tokens it holds (the normalized-token matcher when
    /// <paramref name="normalizedPass"/>, else the original-text one) and appends the parts to
    /// <paramref name="pieces"/>: an added token becomes a piece with its token, the rest pieces without.
    /// </summary>
    /// <summary>Whether some added token is matched on the original text (one that is not normalized).</summary>
    internal bool HasRawPatterns => _raw != null;

    /// <summary>Whether some added token is matched on the normalized text.</summary>
    internal bool HasNormalizedPatterns => _normalized != null;

    /// <summary>Whether an added token of the raw (or normalized) set occurs in <paramref name="s"/>.</summary>
    internal bool AnyMatch(ReadOnlySpan<byte> s, bool normalizedPass) => (normalizedPass ? _normalized : _raw)?.Any(s) ?? false;

    internal void Split(NormalizedString text, bool normalizedPass, bool encodeSpecialTokens, List<NormalizedString> pieces,
        List<PreTokenizedString.TokenRun?> runs, List<Token> tokens)
    {
        var m = normalizedPass ? _normalized : _raw;
        var s = text.NormalizedUtf8;
        if (m is null || s.Length == 0)
        {
            AddPiece(text, 0, s.Length, pieces, runs);
            return;
        }
        int startOffset = 0;
        foreach (var (ms, me, id) in m.FindAll(s))
        {
            int start = ms, stop = me;
            var t = _byId[id];
            if (encodeSpecialTokens && _special.Contains(t.Content)) continue;
            if (t.SingleWord)
            {
                bool startSpace = start == 0 || !EndsWithWord(s[..start]);
                bool stopSpace = stop == s.Length || !StartsWithWord(s[stop..]);
                if (!startSpace || !stopSpace) continue;
            }
            if (t.LStrip) start = Math.Max(LeftmostSpaceAtEnd(s[..start]), startOffset);
            if (t.RStrip) stop += RightmostSpaceAtStart(s[stop..]);
            if (startOffset < start) AddPiece(text, startOffset, start, pieces, runs);
            var slice = text.Slice(OffsetReferential.Normalized, start, stop)!;
            runs.Add(new PreTokenizedString.TokenRun(tokens.Count, 1));
            pieces.Add(slice);
            tokens.Add(new Token(id, slice.Normalized, 0, slice.Length));
            startOffset = stop;
        }
        if (startOffset != s.Length) AddPiece(text, startOffset, s.Length, pieces, runs);
    }

    private static void AddPiece(NormalizedString text, int start, int end, List<NormalizedString> pieces, List<PreTokenizedString.TokenRun?> runs)
    {
        // Slicing the whole of a string whose original is not cut by its normalization gives the same string.
        var piece = start == 0 && end == text.Length && text.ConvertOffsets(OffsetReferential.Normalized, 0, end) == (0, text.OriginalLength)
            ? text : text.Slice(OffsetReferential.Normalized, start, end)!;
        if (piece.IsEmpty) return;
        pieces.Add(piece);
        runs.Add(null);
    }

    // \w of the regex crate: Alphabetic, marks, decimal digits, connector punctuation, joiners.
    private static bool IsWordChar(int cp)
    {
        if (cp < 0) return false;
        if (cp < 0x80) return cp is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_';
        if (Ucd.IsAlphabetic(cp) || cp is 0x200C or 0x200D) return true;
        return Ucd.Category(cp) is GeneralCategory.NonspacingMark or GeneralCategory.SpacingMark or GeneralCategory.EnclosingMark
            or GeneralCategory.DecimalNumber or GeneralCategory.ConnectorPunctuation;
    }

    private static bool EndsWithWord(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty) return false;
        int i = s.Length - 1;
        while (i > 0 && Utf8.IsContinuation(s[i])) i--;
        return IsWordChar(Utf8.Decode(s, i, out _));
    }

    private static bool StartsWithWord(ReadOnlySpan<byte> s) => !s.IsEmpty && IsWordChar(Utf8.Decode(s, 0, out _));

    // Start of the trailing run of white space of s (s.Length if none).
    private static int LeftmostSpaceAtEnd(ReadOnlySpan<byte> s)
    {
        int at = s.Length;
        while (at > 0)
        {
            int i = at - 1;
            while (i > 0 && Utf8.IsContinuation(s[i])) i--;
            if (!Ucd.IsWhiteSpace(Utf8.Decode(s, i, out _))) break;
            at = i;
        }
        return at;
    }

    // End of the leading run of white space of s.
    private static int RightmostSpaceAtStart(ReadOnlySpan<byte> s)
    {
        int at = 0;
        while (at < s.Length)
        {
            int cp = Utf8.Decode(s, at, out int len);
            if (!Ucd.IsWhiteSpace(cp)) break;
            at += len;
        }
        return at;
    }

    /// <summary>
    /// Leftmost-longest, non-overlapping matching of a set of byte strings (what HF's Aho-Corasick matcher does):
    /// candidates are bucketed by first byte and tried longest first.
    /// </summary>
    private sealed class Matcher
    {
        private readonly (byte[] Bytes, uint Id)[]?[] _byFirst = new (byte[], uint)[]?[256];
        // The first bytes of the patterns: Any skips to the next one with a vectorized search (every text of a batch
        // is checked, and most hold none: a table probe per byte was ~1.7 % of llama3's encode_batch).
        private readonly System.Buffers.SearchValues<byte> _firsts;

        public Matcher(List<(byte[] Bytes, uint Id)> patterns)
        {
            foreach (var g in patterns.Where(p => p.Bytes.Length > 0).GroupBy(p => p.Bytes[0]))
            {
                // One pattern per byte string (the smallest id), longest first.
                _byFirst[g.Key] = g.GroupBy(p => Convert.ToBase64String(p.Bytes)).Select(d => d.First())
                    .OrderByDescending(p => p.Bytes.Length).ToArray();
            }
            var firsts = new List<byte>();
            for (int b = 0; b < 256; b++) if (_byFirst[b] != null) firsts.Add((byte)b);
            _firsts = System.Buffers.SearchValues.Create(firsts.ToArray());
        }

        public bool Any(ReadOnlySpan<byte> s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                int next = s[i..].IndexOfAny(_firsts);
                if (next < 0) return false;
                i += next;
                foreach (var (b, _) in _byFirst[s[i]]!)
                    if (s[i..].StartsWith(b)) return true;
            }
            return false;
        }

        public List<(int Start, int End, uint Id)> FindAll(ReadOnlySpan<byte> s)
        {
            var found = new List<(int, int, uint)>();
            for (int i = 0; i < s.Length;)
            {
                var cands = _byFirst[s[i]];
                bool hit = false;
                if (cands != null)
                    foreach (var (b, id) in cands)
                        if (s[i..].StartsWith(b))
                        {
                            found.Add((i, i + b.Length, id));
                            i += b.Length;
                            hit = true;
                            break;
                        }
                if (!hit) i++;
            }
            return found;
        }
    }
}
