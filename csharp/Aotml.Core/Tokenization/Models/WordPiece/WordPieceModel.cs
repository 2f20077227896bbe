using System.Runtime.CompilerServices;
using System.Text.Json;
using Aotml.Text;
using Aotml.Tokenization.Json;

namespace Aotml.Tokenization.Models.WordPiece;

/// <summary>
/// Hugging Face's WordPiece: greedy longest match from the start of the piece, every match after the first looked
/// up with continuing_subword_prefix; a piece with an unmatchable rest, or longer than max_input_chars_per_word
/// characters, is one unknown token. Immutable; thread-safe.
/// </summary>
public sealed class WordPieceModel : IModel
{
    private readonly Vocab _vocab;
    private readonly uint? _unk;
    private Search? _search;

    // What the longest-match search uses, made on the first word that misses the cache (loading stays as cheap as a
    // vocabulary; threads racing build equal tables and either wins).
    private sealed class Search
    {
        public required TokenIndex First, Continuing;   // the vocabulary, and the tokens after the prefix by the rest
        public required int MaxFirst, MaxNext;           // longest UTF-8 a first / a continuing match can have
        // The longest token (first / continuing) that starts with each two bytes, 255 for "255 or more": a match at a
        // position is at most that long, so the search does not try longer candidates that cannot be tokens.
        public required byte[] FirstBy2, NextBy2;
    }

    private Search MakeSearch()
    {
        // Over the vocabulary's UTF-8: making its strings here would cost more than the rest of the load.
        int maxFirst = 0;
        byte[] pre = System.Text.Encoding.UTF8.GetBytes(ContinuingSubwordPrefix);
        var firstBy2 = new byte[1 << 16];
        var nextBy2 = new byte[1 << 16];
        _vocab.ForEach((token, _) =>
        {
            maxFirst = Math.Max(maxFirst, token.Length);
            Longest(firstBy2, token);
            if (token.StartsWith(pre)) Longest(nextBy2, token[pre.Length..]);
        });
        var continuing = _vocab.ByRestAfter(pre, out int maxNext);
        continuing.BuildFilter();
        _vocab.ByBytes.BuildFilter();   // the vocabulary is this model's own
        return new Search { First = _vocab.ByBytes, Continuing = continuing, MaxFirst = maxFirst, MaxNext = maxNext, FirstBy2 = firstBy2, NextBy2 = nextBy2 };
    }

    private static void Longest(byte[] table, ReadOnlySpan<byte> token)
    {
        if (token.Length < 2) return;
        int k = token[0] << 8 | token[1];
        table[k] = (byte)Math.Max(table[k], Math.Min(token.Length, 255));
    }

    /// <summary>The unknown token.</summary>
    public string UnkToken { get; }
    /// <summary>The prefix of every match but the first.</summary>
    public string ContinuingSubwordPrefix { get; }
    /// <summary>Longer pieces (in characters) are one unknown token.</summary>
    public int MaxInputCharsPerWord { get; }

    internal WordPieceModel(Vocab vocab, string unk, string prefix, int maxChars)
    {
        _vocab = vocab; UnkToken = unk; ContinuingSubwordPrefix = prefix; MaxInputCharsPerWord = maxChars;
        _unk = vocab.TokenToId(unk);
    }

    /// <summary>Reads an HF WordPiece model object.</summary>
    public static WordPieceModel FromJson(JsonElement e, string path)
    {
        JsonRead.RequireObject(e, path);
        var vocab = Vocab.FromJsonObject(JsonRead.Required(e, "vocab", path), path + ".vocab");
        return new WordPieceModel(vocab, JsonRead.OptString(e, "unk_token", path, "[UNK]")!,
            JsonRead.OptString(e, "continuing_subword_prefix", path, "##")!, JsonRead.OptInt(e, "max_input_chars_per_word", path, 100)!.Value);
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "WordPiece");
        w.WriteString("unk_token", UnkToken);
        w.WriteString("continuing_subword_prefix", ContinuingSubwordPrefix);
        w.WriteNumber("max_input_chars_per_word", MaxInputCharsPerWord);
        w.WritePropertyName("vocab");
        _vocab.WriteJsonObject(w);
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

    /// <inheritdoc/>
    /// <remarks>
    /// Performance notes (multilingual man pages, all-MiniLM-L6-v2): a piece seen before on this thread comes from
    /// the <see cref="Bpe.WordCache"/> (the tokens are a pure function of the piece bytes), and the longest-match
    /// search starts at the longest token of the vocabulary rather than at the end of the piece (each try was a
    /// dictionary probe: long German and Russian words made dozens).
    /// Round 2 (English prose / man pages, one thread): the continuing matches are looked up in a
    /// <see cref="TokenIndex"/> over the vocabulary's own UTF-8 (open addressing, the prefix skipped) instead of a
    /// Dictionary of byte arrays (4% of the multilingual encode); a cache miss records into the cache's buffers
    /// instead of two new arrays; the cache compares keys inline; <see cref="TokenizeWith"/> lets the fast path
    /// fetch the thread's cache once per text rather than once per word (two thread-static reads a word). A word not
    /// in the cache tries only candidates as long as the longest token that starts with its next two bytes (a run of
    /// kana had each character tried at every length up to the longest continuing token).
    /// </remarks>
    public void Tokenize<TSink>(ReadOnlySpan<byte> piece, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        if (piece.Length == 0) return;
        TokenizeWith(piece.Length > Bpe.WordCache.MaxKey ? null : Bpe.WordCache.For(this), piece, offset, ref sink);
    }

    /// <summary>This thread's word cache for the model (for <see cref="TokenizeWith"/>).</summary>
    internal Bpe.WordCache Cache() => Bpe.WordCache.For(this);

    /// <summary><see cref="Tokenize"/> with the thread's cache already fetched (<see cref="Cache"/>; null: none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void TokenizeWith<TSink>(Bpe.WordCache? cache, ReadOnlySpan<byte> piece, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        if (n == 0) return;
        if (n > Bpe.WordCache.MaxKey || cache is null)
        {
            TokenizeUncached(piece, offset, ref sink);
            return;
        }
        ulong hash = Bpe.WordCache.Hash(piece);
        if (!cache.TryEmit(piece, hash, offset, ref sink)) Miss(cache, piece, hash, offset, ref sink);
    }

    private void Miss<TSink>(Bpe.WordCache cache, ReadOnlySpan<byte> piece, ulong hash, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        var rec = cache.Record();
        TokenizeUncached(piece, 0, ref rec);
        cache.Put(piece, hash, rec.Ids.AsSpan(0, rec.Count), rec.Ends.AsSpan(0, rec.Count));
        int start = offset;
        for (int k = 0; k < rec.Count; k++)
        {
            sink.Add(rec.Ids[k], start, offset + rec.Ends[k]);
            start = offset + rec.Ends[k];
        }
    }

    private void TokenizeUncached<TSink>(ReadOnlySpan<byte> piece, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        int chars = 0;
        foreach (byte b in piece) if (!Utf8.IsContinuation(b)) chars++;
        if (chars > MaxInputCharsPerWord) { sink.Add(Unk(), offset, offset + n); return; }
        // Matches are kept aside until the whole piece matched: one miss makes the piece a single unknown token.
        Span<(uint Id, int Start, int End)> found = n <= 256 ? stackalloc (uint, int, int)[n] : new (uint, int, int)[n];
        int count = 0;
        var t = _search ??= MakeSearch();
        for (int start = 0; start < n;)
        {
            // No token is longer than the longest that starts with these two bytes (or the longest of all): shorter
            // candidates only, cut back to a character boundary. A one-byte token is always a candidate.
            int limit = start == 0 ? t.MaxFirst : t.MaxNext;
            if (start + 1 < n)
            {
                int by2 = (start == 0 ? t.FirstBy2 : t.NextBy2)[piece[start] << 8 | piece[start + 1]];
                if (by2 < 255) limit = Math.Min(limit, Math.Max(by2, 1));
            }
            int end = Math.Min(n, start + limit);
            while (end > start && end < n && Utf8.IsContinuation(piece[end])) end--;
            bool hit = false;
            while (start < end)
            {
                var sub = piece[start..end];
                if (start == 0 ? t.First.TryGetFiltered(sub, out uint id) : t.Continuing.TryGetFiltered(sub, out id))
                {
                    found[count++] = (id, start, end);
                    hit = true;
                    break;
                }
                end--;
                while (end > start && Utf8.IsContinuation(piece[end])) end--;
            }
            if (!hit) { sink.Add(Unk(), offset, offset + n); return; }
            start = end;
        }
        for (int i = 0; i < count; i++) sink.Add(found[i].Id, offset + found[i].Start, offset + found[i].End);
    }

    private uint Unk() => _unk ?? throw new EncodeException($"the unknown token {JsonRead.Quote(UnkToken)} is not in the vocabulary");
}
