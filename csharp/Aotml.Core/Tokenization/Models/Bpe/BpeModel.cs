using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Aotml.Text;
using Aotml.Tokenization.Json;

namespace Aotml.Tokenization.Models.Bpe;

/// <summary>
/// Hugging Face's BPE model: a piece is cut into characters (with continuing_subword_prefix on all but the first and
/// end_of_word_suffix on the last), each looked up in the vocabulary, else split into byte tokens (byte_fallback),
/// else the unknown token (fused with its unknown neighbours under fuse_unk), else dropped; then the merges join
/// pairs lowest rank first. Immutable; thread-safe.
/// </summary>
/// <remarks>
/// The common case (every symbol covers its own bytes) runs on the generic merge engine <see cref="BpeMerge"/>. What
/// HF does differently from that, it does with offsets that no longer follow the bytes (a dropped character, byte
/// fallback of a prefixed character) or with randomness (dropout): those pieces take <see cref="MergeList"/>, a
/// literal version of HF's word merge.
/// </remarks>
public sealed class BpeModel : IModel
{
    private readonly Vocab _vocab;
    private readonly BpeMergeRule[] _mergeList;
    private readonly Dictionary<int, uint> _plain = new(), _prefixed = new(), _suffixed = new(), _both = new();
    private readonly uint[] _byteIds = new uint[256];
    private readonly bool _allBytes;
    private readonly uint? _unkId;
    private readonly uint _maxRank;

    /// <summary>The dropout probability, null when off.</summary>
    public float? Dropout { get; }
    /// <summary>The unknown token.</summary>
    public string? UnkToken { get; }
    /// <summary>Prefix of every character but a word's first.</summary>
    public string? ContinuingSubwordPrefix { get; }
    /// <summary>Suffix of a word's last character.</summary>
    public string? EndOfWordSuffix { get; }
    /// <summary>Whether consecutive unknown characters make one unknown token.</summary>
    public bool FuseUnk { get; }
    /// <summary>Whether unknown characters become their byte tokens &lt;0xXX&gt;.</summary>
    public bool ByteFallback { get; }
    /// <summary>Whether a piece that is a token is taken whole before any merge.</summary>
    public bool IgnoreMerges { get; }

    internal BpeModel(Vocab vocab, BpeMergeRule[] merges, string path, float? dropout, string? unk,
        string? prefix, string? suffix, bool fuseUnk, bool byteFallback, bool ignoreMerges)
    {
        _vocab = vocab;
        _mergeList = merges;
        Dropout = dropout; UnkToken = unk; ContinuingSubwordPrefix = prefix; EndOfWordSuffix = suffix;
        FuseUnk = fuseUnk; ByteFallback = byteFallback; IgnoreMerges = ignoreMerges;
        if (dropout is float d && (d < 0 || d > 1)) throw new ConfigurationException($"{path}.dropout: must be between 0 and 1, got {d}");
        _maxRank = (uint)Math.Max(0, merges.Length - 1);
        // The single-character tokens, read from the vocabulary's UTF-8 (making its strings would cost more).
        byte[] pre = System.Text.Encoding.UTF8.GetBytes(prefix ?? ""), suf = System.Text.Encoding.UTF8.GetBytes(suffix ?? "");
        vocab.ForEach((token, id) =>
        {
            if (Single(token) is int c) _plain.TryAdd(c, id);
            bool p = pre.Length > 0 && token.StartsWith(pre);
            bool s = suf.Length > 0 && token.EndsWith(suf);
            if (p && Single(token[pre.Length..]) is int cp) _prefixed.TryAdd(cp, id);
            if (s && Single(token[..^suf.Length]) is int cs) _suffixed.TryAdd(cs, id);
            if (p && s && token.Length >= pre.Length + suf.Length && Single(token[pre.Length..^suf.Length]) is int cb) _both.TryAdd(cb, id);
        });
        _allBytes = true;
        for (int b = 0; b < 256; b++)
        {
            uint? id = vocab.TokenToId($"<0x{b:X2}>");
            _byteIds[b] = id ?? IMergeTable.None;
            _allBytes &= id.HasValue;
        }
        if (unk != null) _unkId = vocab.TokenToId(unk);
    }

    // The code point of a token if it is exactly one (valid UTF-8) character.
    private static int? Single(ReadOnlySpan<byte> token)
    {
        if (token.IsEmpty) return null;
        int cp = Utf8.Decode(token, 0, out int len);
        return cp >= 0 && len == token.Length ? cp : null;
    }

    // The pair times an odd constant (a bijection, so keys stay unique): ulong's own hash, left ^ right, puts Llama-3's
    // 280k merges of ids below 2^17 into at most 2^17 buckets, which made building and probing the map slow.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Key(uint left, uint right) => (((ulong)left << 32) | right) * 0x9E3779B97F4A7C15UL;

    /// <summary>Reads an HF BPE model object (merges as "a b" strings or as ["a", "b"] pairs).</summary>
    public static BpeModel FromJson(JsonElement e, string path) => FromJson(e, path, default);

    /// <summary>Reads an HF BPE model object whose vocab and merges lie in <paramref name="large"/> when it holds
    /// them (the object then holds them empty).</summary>
    internal static BpeModel FromJson(JsonElement e, string path, scoped in LargeParts large)
    {
        JsonRead.RequireObject(e, path);
        var vocabJson = JsonRead.Required(e, "vocab", path);
        var vocab = !large.Found ? Vocab.FromJsonObject(vocabJson, path + ".vocab") : Vocab.FromRawObject(large.Vocab, path + ".vocab");
        string? prefix = JsonRead.OptString(e, "continuing_subword_prefix", path);
        BpeMergeRule[] merges = [];
        // HF requires the field (a tokenizer.json BPE without it is refused) but takes null as none.
        if (JsonRead.Required(e, "merges", path) is { ValueKind: not JsonValueKind.Null } m)
        {
            if (m.ValueKind != JsonValueKind.Array) throw new ConfigurationException($"{path}.merges: expected an array, got {JsonRead.Kind(m)}");
            merges = !large.Found ? BpeMergeList.Read(m, vocab, prefix, path) : BpeMergeList.ReadRaw(large.Merges, vocab, prefix, path);
        }
        double? dropout = JsonRead.OptDouble(e, "dropout", path);
        return new BpeModel(vocab, merges, path, dropout is double d ? (float)d : null,
            JsonRead.OptString(e, "unk_token", path), prefix,
            JsonRead.OptString(e, "end_of_word_suffix", path), JsonRead.Bool(e, "fuse_unk", path, false),
            JsonRead.Bool(e, "byte_fallback", path, false), JsonRead.Bool(e, "ignore_merges", path, false));
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "BPE");
        if (Dropout is float d) w.WriteNumber("dropout", d); else w.WriteNull("dropout");
        JsonRead.WriteOptString(w, "unk_token", UnkToken);
        JsonRead.WriteOptString(w, "continuing_subword_prefix", ContinuingSubwordPrefix);
        JsonRead.WriteOptString(w, "end_of_word_suffix", EndOfWordSuffix);
        w.WriteBoolean("fuse_unk", FuseUnk);
        w.WriteBoolean("byte_fallback", ByteFallback);
        w.WriteBoolean("ignore_merges", IgnoreMerges);
        w.WritePropertyName("vocab");
        _vocab.WriteJsonObject(w);
        w.WriteStartArray("merges");
        // HF writes the merges by rank; a pair listed twice appears once, at its last rank.
        for (int r = 0; r < _mergeList.Length; r++)
        {
            var m = _mergeList[r];
            if (Merges.Rank(m.Left, m.Right, out _) != (uint)r) continue;
            w.WriteStartArray();
            w.WriteStringValue(_vocab.IdToToken(m.Left));
            w.WriteStringValue(_vocab.IdToToken(m.Right));
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public uint? TokenToId(string token) => _vocab.TokenToId(token);

    /// <inheritdoc/>
    public string? IdToToken(uint id) => _vocab.IdToToken(id);

    /// <inheritdoc/>
    public int VocabSize => _vocab.Count;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, uint> GetVocab() => _vocab.ByToken;

    [ThreadStatic] private static uint[]? t_symId;
    [ThreadStatic] private static int[]? t_symEnd;

    // Tokenize-path tables derived from the ones the constructor builds, made on first use (loading needs neither;
    // two threads racing both build equal tables and either wins). The merge map holds a pair listed twice at its
    // last rank, as HF's map does.
    private MergeMap? _mergeMap;
    private uint[]? _plainBmp;   // _plain for the BMP as a flat array (None where absent)

    private MergeMap Merges => _mergeMap ??= new MergeMap(_mergeList);

    private uint[] PlainBmp => _plainBmp ??= BuildPlainBmp();

    private uint[] BuildPlainBmp()
    {
        var t = new uint[0x10000];
        Array.Fill(t, IMergeTable.None);
        foreach (var (cp, id) in _plain) if (cp < t.Length) t[cp] = id;
        return t;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Performance notes: a piece seen before on this thread comes from the <see cref="WordCache"/> (as HF caches
    /// words); the rest merge on <see cref="BpeMerge"/> over a <see cref="MergeMap"/>, with the initial characters
    /// looked up in a flat BMP array rather than a dictionary.
    /// </remarks>
    public void Tokenize<TSink>(ReadOnlySpan<byte> piece, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        if (piece.IsEmpty) return;
        if (Dropout is not (null or 0))
        {
            TokenizeUncached(piece, offset, ref sink);
            return;
        }
        if (!SplitsAtMetaspace)
        {
            TokenizeCached(piece, offset, ref sink);
            return;
        }
        // Words of a SentencePiece-style text: cut before each ▁ that follows another character.
        int start = 0;
        while (true)
        {
            int at = start + 1, found = at < piece.Length ? piece[at..].IndexOf(Metaspace) : -1;
            // A ▁ right after a ▁ stays in the run (no cut between two ▁).
            while (found >= 0 && at + found >= 3 && piece.Slice(at + found - 3, 3).SequenceEqual(Metaspace))
            {
                at += found + 3;
                found = at < piece.Length ? piece[at..].IndexOf(Metaspace) : -1;
            }
            int end = found < 0 ? piece.Length : at + found;
            TokenizeCached(piece[start..end], offset + start, ref sink);
            if (found < 0) return;
            start = end;
        }
    }

    private static ReadOnlySpan<byte> Metaspace => "\u2581"u8;

    // 0: not decided yet, 1: cut pieces into words at ▁, -1: never.
    private int _metaspaceWords;

    /// <summary>
    /// Whether pieces may be cut before each ▁ (U+2581) that follows another character without changing the
    /// result: true when ▁ is a token and no token has ▁ right after another character (then no merge crosses such
    /// a cut, and BPE on the parts is BPE on the whole), and no prefix or suffix marks a word's first or last
    /// character. SentencePiece-converted vocabularies (llama2's) pass, so their lines become cacheable words.
    /// </summary>
    private bool SplitsAtMetaspace
    {
        get
        {
            int v = _metaspaceWords;
            if (v == 0) _metaspaceWords = v = DecideMetaspaceWords() ? 1 : -1;
            return v > 0;
        }
    }

    private bool DecideMetaspaceWords()
    {
        const char M = '\u2581';
        if (ContinuingSubwordPrefix is { Length: > 0 } || EndOfWordSuffix is { Length: > 0 } || !_plain.ContainsKey(M)) return false;
        foreach (var token in _vocab.ByToken.Keys)
            for (int k = token.IndexOf(M, 1); k > 0; k = token.IndexOf(M, k + 1))
                if (token[k - 1] != M) return false;
        return true;
    }

    // The cached path: a piece seen before is copied from the word cache, a new one merged and remembered.
    private void TokenizeCached<TSink>(ReadOnlySpan<byte> piece, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        if (n > WordCache.MaxKey)
        {
            TokenizeUncached(piece, offset, ref sink);
            return;
        }
        var cache = WordCache.For(this);
        ulong hash = WordCache.Hash(piece);
        if (cache.TryEmit(piece, hash, offset, ref sink)) return;
        var rec = new WordCache.Recorder(Rent(ref t_recIds, n), Rent(ref t_recEnds, n));
        TokenizeUncached(piece, 0, ref rec);
        cache.Put(piece, hash, rec.Ids.AsSpan(0, rec.Count), rec.Ends.AsSpan(0, rec.Count));
        int start = offset;
        for (int k = 0; k < rec.Count; k++)
        {
            int end = offset + rec.Ends[k];
            sink.Add(rec.Ids[k], start, end);
            start = end;
        }
    }

    [ThreadStatic] private static uint[]? t_recIds;
    [ThreadStatic] private static int[]? t_recEnds;

    private static T[] Rent<T>(ref T[]? slot, int n) => BpeMerge.Rent(ref slot, n);

    private void TokenizeUncached<TSink>(ReadOnlySpan<byte> piece, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        if (IgnoreMerges && _vocab.ByBytes.TryGetValue(piece, out uint whole))
        {
            sink.Add(whole, offset, offset + n);
            return;
        }
        var ids = BpeMerge.Rent(ref t_symId, n);
        var ends = BpeMerge.Rent(ref t_symEnd, n);
        if (Dropout is null or 0 && Symbols(piece, ids, ends))
        {
            BpeMerge.Encode(new SymbolTable(Merges, ids, ends, _maxRank), piece, offset, ref sink);
            return;
        }
        var list = new MergeList();
        BuildWord(piece, list);
        list.MergeAll(Merges, Dropout is float d && d > 0 ? d : null);
        list.Emit(offset, ref sink);
    }

    // The initial symbols by start byte, when each covers exactly its own bytes (else false: use MergeList).
    private bool Symbols(ReadOnlySpan<byte> piece, uint[] ids, int[] ends)
    {
        int n = piece.Length;
        if (ContinuingSubwordPrefix is not { Length: > 0 } && EndOfWordSuffix is not { Length: > 0 })
        {
            // Plain characters (no prefix or suffix), all in the vocabulary: one table read each.
            var bmp = PlainBmp;
            int i = 0;
            while (i < n)
            {
                byte b = piece[i];
                uint id;
                int len = 1;
                if (b < 0x80) id = bmp[b];
                else
                {
                    int cp = Utf8.Decode(piece, i, out len);
                    id = (uint)cp < 0x10000 ? bmp[cp] : IMergeTable.None;
                }
                if (id == IMergeTable.None) break;
                ids[i] = id;
                ends[i] = i + len;
                i += len;
            }
            if (i == n) return true;
        }
        int unkStart = -1;
        for (int i = 0; i < n;)
        {
            int cp = Utf8.Decode(piece, i, out int len);
            int e = i + len;
            if (Lookup(cp, i == 0, e == n) is uint id)
            {
                if (unkStart >= 0) { ids[unkStart] = _unkId!.Value; ends[unkStart] = i; unkStart = -1; }
                ids[i] = id; ends[i] = e;
            }
            else if (ByteFallback && (ContinuingSubwordPrefix is null || i == 0) && (EndOfWordSuffix is null || e != n) && AllBytes(piece.Slice(i, len)))
            {
                if (unkStart >= 0) { ids[unkStart] = _unkId!.Value; ends[unkStart] = i; unkStart = -1; }
                for (int k = i; k < e; k++) { ids[k] = _byteIds[piece[k]]; ends[k] = k + 1; }
            }
            else
            {
                if (UnkToken is null || ByteFallback) return false;
                if (_unkId is null) throw new EncodeException($"the unknown token {JsonRead.Quote(UnkToken)} is not in the vocabulary");
                if (unkStart >= 0 && FuseUnk) { }
                else
                {
                    if (unkStart >= 0) { ids[unkStart] = _unkId.Value; ends[unkStart] = i; }
                    unkStart = i;
                }
            }
            i = e;
        }
        if (unkStart >= 0) { ids[unkStart] = _unkId!.Value; ends[unkStart] = n; }
        return true;
    }

    private bool AllBytes(ReadOnlySpan<byte> s)
    {
        if (_allBytes) return true;
        foreach (byte b in s) if (_byteIds[b] == IMergeTable.None) return false;
        return true;
    }

    private uint? Lookup(int cp, bool first, bool last)
    {
        if ((first || ContinuingSubwordPrefix is not { Length: > 0 }) && (!last || EndOfWordSuffix is not { Length: > 0 }) && (uint)cp < 0x10000)
        {
            uint v = PlainBmp[cp];
            return v == IMergeTable.None ? null : v;
        }
        bool p = !first && ContinuingSubwordPrefix is { Length: > 0 }, s = last && EndOfWordSuffix is { Length: > 0 };
        var map = p ? (s ? _both : _prefixed) : (s ? _suffixed : _plain);
        return cp >= 0 && map.TryGetValue(cp, out uint id) ? id : null;
    }

    // HF's merge_word, literally: symbols with lengths, offsets as their running sum.
    private void BuildWord(ReadOnlySpan<byte> piece, MergeList word)
    {
        int n = piece.Length;
        (uint Id, int Len)? unk = null;
        for (int i = 0; i < n;)
        {
            int cp = Utf8.Decode(piece, i, out int len);
            int e = i + len;
            if (Lookup(cp, i == 0, e == n) is uint id)
            {
                if (unk is { } u) { word.Add(u.Id, u.Len); unk = null; }
                word.Add(id, len);
            }
            else
            {
                bool done = false;
                if (ByteFallback)
                {
                    string s = (i > 0 ? ContinuingSubwordPrefix : null) + System.Text.Encoding.UTF8.GetString(piece.Slice(i, len)) + (e == n ? EndOfWordSuffix : null);
                    var bytes = System.Text.Encoding.UTF8.GetBytes(s);
                    if (AllBytes(bytes))
                    {
                        foreach (byte b in bytes) word.Add(_byteIds[b], 1);
                        done = true;
                    }
                }
                if (!done && UnkToken != null)
                {
                    uint uid = _unkId ?? throw new EncodeException($"the unknown token {JsonRead.Quote(UnkToken)} is not in the vocabulary");
                    if (unk is { } u)
                    {
                        if (FuseUnk) unk = (u.Id, u.Len + len);
                        else { word.Add(u.Id, u.Len); unk = (uid, len); }
                    }
                    else unk = (uid, len);
                }
            }
            i = e;
        }
        if (unk is { } last) word.Add(last.Id, last.Len);
    }

    /// <summary>The merge table over precomputed initial symbols (indexed by start byte).</summary>
    private readonly struct SymbolTable(MergeMap merges, uint[] ids, int[] ends, uint maxRank) : IMergeTable
    {
        public static bool RankIsId => false;

        public uint MaxRank => maxRank;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Symbol(ReadOnlySpan<byte> piece, int start, out int end)
        {
            end = ends[start];
            return ids[start];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Rank(ReadOnlySpan<byte> piece, int start, int mid, int end, uint left, uint right, out uint joined)
            => merges.Rank(left, right, out joined);
    }

    /// <summary>HF's Word: symbols in a linked list merged through a priority queue, with optional dropout.</summary>
    private sealed class MergeList
    {
        private readonly List<(uint Id, int Prev, int Next, int Len)> _s = [];

        public void Add(uint id, int len)
        {
            int i = _s.Count;
            if (i > 0) { var p = _s[i - 1]; _s[i - 1] = (p.Id, p.Prev, i, p.Len); }
            _s.Add((id, i - 1, -1, len));
        }

        public void MergeAll(MergeMap merges, float? dropout)
        {
            var queue = new PriorityQueue<(int Pos, uint Rank, uint Id), (uint, int)>();
            var skip = new List<(int Pos, uint Rank, uint Id)>();
            for (int i = 0; i + 1 < _s.Count; i++)
                if (merges.Rank(_s[i].Id, _s[i + 1].Id, out uint mj) is var mr && mr != IMergeTable.None) queue.Enqueue((i, mr, mj), (mr, i));
            while (queue.TryDequeue(out var top, out _))
            {
                if (dropout is float d && Random.Shared.NextSingle() < d) { skip.Add(top); continue; }
                foreach (var s in skip) queue.Enqueue(s, (s.Rank, s.Pos));
                skip.Clear();
                var cur = _s[top.Pos];
                if (cur.Len == 0 || cur.Next == -1) continue;
                int nextPos = cur.Next;
                var right = _s[nextPos];
                if (merges.Rank(cur.Id, right.Id, out uint target) == IMergeTable.None || target != top.Id) continue;
                cur = (top.Id, cur.Prev, right.Next, cur.Len + right.Len);
                _s[top.Pos] = cur;
                _s[nextPos] = (right.Id, right.Prev, right.Next, 0);
                if (right.Next > -1 && right.Next < _s.Count) { var r2 = _s[right.Next]; _s[right.Next] = (r2.Id, top.Pos, r2.Next, r2.Len); }
                if (cur.Prev >= 0 && merges.Rank(_s[cur.Prev].Id, cur.Id, out uint pj) is var pr && pr != IMergeTable.None) queue.Enqueue((cur.Prev, pr, pj), (pr, cur.Prev));
                if (cur.Next >= 0 && cur.Next < _s.Count && merges.Rank(cur.Id, _s[cur.Next].Id, out uint nj) is var nr && nr != IMergeTable.None) queue.Enqueue((top.Pos, nr, nj), (nr, top.Pos));
            }
        }

        public void Emit<TSink>(int offset, ref TSink sink) where TSink : struct, ITokenSink
        {
            int pos = 0;
            foreach (var s in _s)
            {
                if (s.Len == 0) continue;
                sink.Add(s.Id, offset + pos, offset + pos + s.Len);
                pos += s.Len;
            }
        }
    }
}
