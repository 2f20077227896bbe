using System.Runtime.CompilerServices;
using System.Text;
using Aotml.Tokenization;
using Aotml.Tokenization.Models.Bpe;

namespace Aotml.Tiktoken;

/// <summary>
/// A tiktoken encoding: split pattern, mergeable ranks and special tokens. Immutable; share it across threads.
/// Encodes UTF-8 to token ids identical to tiktoken's and decodes ids back to bytes.
/// </summary>
public sealed class TiktokenEncoding
{
    private readonly RankTable _ranks;
    private readonly uint[] _byteRanks = new uint[256];
    private readonly SplitPattern _split;
    private readonly byte[] _specialBlob;
    // Decoder: token id → (offset, length) into the rank blob (length > 0) or the special blob (length < 0).
    private readonly int[] _decodeOffset;
    private readonly int[] _decodeLength;

    /// <summary>The encoding's name.</summary>
    public string Name { get; }

    /// <summary>0 gpt2, 1 cl100k, 2 o200k, 4 cl100k as tiktoken 0.14 spells it (hand-written scanners), 3 any other pattern (.NET Regex).</summary>
    public int PatternKind => (int)_split.Which;

    /// <summary>The split pattern as given.</summary>
    public string Pattern => _split.Source;

    /// <summary>The special tokens.</summary>
    public SpecialTokens Specials { get; }

    /// <summary>The largest token id (mergeable or special).</summary>
    public uint MaxTokenValue { get; }

    /// <summary>Number of mergeable tokens.</summary>
    public int MergeableCount => _ranks.Count;

    /// <summary>Policy of encode_ordinary: special tokens are plain text.</summary>
    public SpecialPolicy OrdinaryPolicy { get; }

    /// <summary>tiktoken's default policy: no special token allowed, all of them rejected.</summary>
    public SpecialPolicy DefaultPolicy { get; }

    /// <summary>Every special token allowed.</summary>
    public SpecialPolicy AllAllowedPolicy { get; }

    internal RankTable Ranks => _ranks;

    /// <summary>Ids below this are always accepted (whatever the vocabulary's size); 2^24, a 128 MiB decode table.</summary>
    public const long MaxDenseIds = 1 << 24;

    /// <summary>Creates an encoding; <paramref name="explicitNVocab"/> (if given) is checked as tiktoken does.</summary>
    public TiktokenEncoding(string name, string pattern, RankFiles.Ranks ranks, IReadOnlyList<(string Text, uint Id)> specials, int? explicitNVocab = null)
    {
        Name = name;
        Mergeable = ranks;
        _split = new SplitPattern(pattern);
        _ranks = new RankTable(ranks.Blob, ranks.Offsets, ranks.Values);
        Specials = new SpecialTokens(specials);
        Span<byte> one = stackalloc byte[1];
        for (int b = 0; b < 256; b++) { one[0] = (byte)b; _byteRanks[b] = _ranks.Get(one); }

        uint max = _ranks.Count > 0 ? _ranks.MaxRank : 0;
        foreach (uint id in Specials.Ids) max = Math.Max(max, id);
        if (_ranks.Count == 0 && Specials.Count == 0) throw new ConfigurationException("an encoding needs at least one token");
        // Decoding goes through tables indexed by id (8 bytes per id): an id far beyond the vocabulary's size would
        // cost gigabytes for nothing, so it is refused here rather than failing as an allocation.
        long total = (long)_ranks.Count + Specials.Count;
        long idLimit = Math.Max(MaxDenseIds, 4 * total);
        if (max >= idLimit)
            throw new ConfigurationException($"token id {max} is too large: aotml decodes through a table indexed by id, "
                + $"so ids must stay below {idLimit} for {total} tokens (tiktoken's own encodings stay below 2^18)");
        MaxTokenValue = max;
        if (explicitNVocab is int nv && nv != 0)
        {
            if (nv < 0) throw new ConfigurationException($"explicit_n_vocab is {nv}; it must be positive");
            if (_ranks.Count + Specials.Count != nv)
                throw new ConfigurationException($"explicit_n_vocab is {nv} but there are {_ranks.Count} mergeable and {Specials.Count} special tokens");
            if (max != nv - 1)
                throw new ConfigurationException($"explicit_n_vocab is {nv} but the largest token id is {max}");
        }

        _decodeOffset = new int[max + 1];
        _decodeLength = new int[max + 1];
        var offsets = ranks.Offsets;
        for (int t = 0; t < ranks.Count; t++)
        {
            uint r = ranks.Values[t];
            if (_decodeLength[r] > 0)
                throw new ConfigurationException($"mergeable_ranks gives rank {r} to two tokens, {PyBytesRepr(_ranks.Blob.Slice(_decodeOffset[r], _decodeLength[r]))} "
                    + $"and {PyBytesRepr(ranks.Blob.AsSpan(offsets[t], offsets[t + 1] - offsets[t]))}: each rank must belong to one token "
                    + "(tiktoken refuses this too: \"Maybe you had duplicate token indices in your encoder?\")");
            _decodeOffset[r] = offsets[t];
            _decodeLength[r] = offsets[t + 1] - offsets[t];
        }
        var sb = new List<byte>();
        for (int i = 0; i < Specials.Count; i++)
        {
            uint id = Specials.Ids[i];
            if (_decodeLength[id] > 0) throw new ConfigurationException($"special token {Specials.Texts[i]} has id {id}, which is also a mergeable rank");
            _decodeOffset[id] = sb.Count;
            _decodeLength[id] = -Specials.Bytes(i).Length;
            sb.AddRange(Specials.Bytes(i));
        }
        _specialBlob = GC.AllocateUninitializedArray<byte>(sb.Count, pinned: true);   // exports hand out pointers into it
        sb.CopyTo(_specialBlob);
        OrdinaryPolicy = SpecialPolicy.Ordinary(Specials);
        DefaultPolicy = SpecialPolicy.Create(Specials, false, default, true, default);
        AllAllowedPolicy = SpecialPolicy.Create(Specials, true, default, true, default);
    }

    // ---- encoding ------------------------------------------------------------------------------------------

    /// <summary>Encodes into <paramref name="dest"/> (one slot per byte of text always suffices); returns the count.</summary>
    public unsafe long Encode(ReadOnlySpan<byte> text, Span<uint> dest, SpecialPolicy policy)
    {
        fixed (uint* p = dest)
        {
            var sink = new PointerSink(p, dest.Length);
            Encode(text, policy, ref sink);
            return sink.Count;
        }
    }

    /// <summary>Encodes into <paramref name="capacity"/> slots at <paramref name="dest"/>; ArgumentException if they do not suffice.</summary>
    public unsafe long Encode(ReadOnlySpan<byte> text, uint* dest, long capacity, SpecialPolicy policy)
    {
        var sink = new PointerSink(dest, capacity);
        Encode(text, policy, ref sink);
        return sink.Count;
    }

    /// <summary>
    /// Encodes and also gives each token's byte range in <paramref name="text"/> (appended to the lists). The
    /// ids are those of <see cref="Encode(ReadOnlySpan{byte}, Span{uint}, SpecialPolicy)"/>.
    /// </summary>
    public void EncodeWithOffsets(ReadOnlySpan<byte> text, SpecialPolicy policy, List<uint> ids, List<(int Start, int End)> offsets)
    {
        var sink = new OffsetSink(ids, offsets);
        Encode(text, policy, ref sink);
    }

    /// <summary>The number of tokens <paramref name="text"/> encodes to, without storing them.</summary>
    public long Count(ReadOnlySpan<byte> text, SpecialPolicy policy)
    {
        var sink = new CountSink();
        Encode(text, policy, ref sink);
        return sink.Count;
    }

    /// <summary>
    /// Encodes under <paramref name="policy"/>: fails on a disallowed special token, emits allowed ones. Offsets
    /// given to the sink are byte ranges of <paramref name="text"/>.
    /// </summary>
    internal void Encode<TSink>(ReadOnlySpan<byte> text, SpecialPolicy policy, ref TSink sink) where TSink : struct, ITokenSink
    {
        if (policy.AnyDisallowed)
        {
            int at = Specials.Find(text, 0, policy.Disallowed, out int bad);
            if (at >= 0) throw new EncodeException(DisallowedMessage(Specials.Texts[bad]));
        }
        if (!policy.AnyAllowed) { EncodeOrdinary(text, 0, ref sink); return; }
        int pos = 0;
        while (true)
        {
            int at = Specials.Find(text, pos, policy.Allowed, out int k);
            int end = at < 0 ? text.Length : at;
            EncodeOrdinary(text[pos..end], pos, ref sink);
            if (at < 0) return;
            pos = at + Specials.Bytes(k).Length;
            sink.Add(Specials.Ids[k], at, pos);
        }
    }

    /// <summary>
    /// Splits with the pattern and merges each piece; special tokens are plain text here. <paramref name="offset"/>
    /// is the position of <paramref name="text"/> in the text the sink's offsets refer to.
    /// </summary>
    internal void EncodeOrdinary<TSink>(ReadOnlySpan<byte> text, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        if (text.IsEmpty) return;
        // Fetched once per call: a thread-static read costs a __tls_get_addr call in a shared library.
        var cache = PieceCache.For(this);
        switch (_split.Which)
        {
            case SplitPattern.Kind.Cl100k: Scan<Cl100kScanner, TSink>(text, offset, cache, ref sink); break;
            case SplitPattern.Kind.O200k: Scan<O200kScanner, TSink>(text, offset, cache, ref sink); break;
            case SplitPattern.Kind.Cl100kPossessive: Scan<Cl100kPossessiveScanner, TSink>(text, offset, cache, ref sink); break;
            case SplitPattern.Kind.Gpt2: Scan<Gpt2Scanner, TSink>(text, offset, cache, ref sink); break;
            default:
                var ranges = t_ranges ??= new List<(int, int)>();
                ranges.Clear();
                _split.Matches(text, ranges);
                foreach (var (s, e) in ranges) EncodePiece(text[s..e], offset + s, cache, ref sink);
                break;
        }
    }

    [ThreadStatic] private static List<(int, int)>? t_ranges;

    private void Scan<TScanner, TSink>(ReadOnlySpan<byte> text, int offset, PieceCache cache, ref TSink sink)
        where TScanner : struct, IPieceScanner where TSink : struct, ITokenSink
    {
        for (int pos = 0, n = text.Length; pos < n;)
        {
            int e = TScanner.Next(text, pos);
            EncodePiece(text[pos..e], offset + pos, cache, ref sink);
            pos = e;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EncodePiece<TSink>(ReadOnlySpan<byte> piece, int offset, PieceCache cache, ref TSink sink) where TSink : struct, ITokenSink
    {
        if (piece.Length == 1)
        {
            uint b = _byteRanks[piece[0]];
            if (b == RankTable.None) RankMergeTable.ThrowNoByte(piece[0]);
            sink.Add(b, offset, offset + 1);
            return;
        }
        if (piece.Length > PieceCache.MaxKey)
        {
            uint r = _ranks.Get(piece);
            if (r != RankTable.None) sink.Add(r, offset, offset + piece.Length);
            else BpeMerge.Encode(new RankMergeTable(_ranks, _byteRanks, cache.Lookups), piece, offset, ref sink);
            return;
        }
        Cached(piece, offset, cache, ref sink);
    }

    // Short pieces go through this thread's piece cache first, whole tokens included: it is a few hundred KiB and
    // stays in cache, while the rank table is megabytes and a lookup there is usually a cache miss. The cache keeps
    // ids only; a sink that wants offsets gets them from the token lengths (tokens are byte strings of the piece).
    private unsafe void Cached<TSink>(ReadOnlySpan<byte> piece, int offset, PieceCache cache, ref TSink sink) where TSink : struct, ITokenSink
    {
        ulong h = RankTable.Hash(piece);
        var hit = cache.Get(piece, h);
        if (!hit.IsEmpty)
        {
            Emit(hit, offset, ref sink);
            return;
        }
        uint r = _ranks.Get(piece);
        if (r != RankTable.None)
        {
            cache.Put(piece, h, new ReadOnlySpan<uint>(&r, 1));
            sink.Add(r, offset, offset + piece.Length);
            return;
        }
        uint* buf = stackalloc uint[PieceCache.MaxKey];
        var local = new PointerSink(buf, PieceCache.MaxKey);
        BpeMerge.EncodeSmall(new RankMergeTable(_ranks, _byteRanks, cache.Lookups), piece, 0, ref local);
        var tokens = new ReadOnlySpan<uint>(buf, (int)local.Count);
        cache.Put(piece, h, tokens);
        Emit(tokens, offset, ref sink);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit<TSink>(ReadOnlySpan<uint> tokens, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        if (!TSink.WantsOffsets)
        {
            foreach (uint t in tokens) sink.Add(t, 0, 0);
            return;
        }
        foreach (uint t in tokens)
        {
            int end = offset + _decodeLength[t];
            sink.Add(t, offset, end);
            offset = end;
        }
    }

    /// <summary>Encodes bytes as one piece, without splitting (tiktoken's encode_single_piece).</summary>
    public unsafe long EncodeSinglePiece(ReadOnlySpan<byte> piece, Span<uint> dest)
    {
        if (piece.IsEmpty) return 0;
        fixed (uint* p = dest)
        {
            var sink = new PointerSink(p, dest.Length);
            EncodePiece(piece, 0, PieceCache.For(this), ref sink);
            return sink.Count;
        }
    }

    /// <summary>The token whose bytes are exactly <paramref name="bytes"/> (mergeable or special); KeyNotFoundException otherwise.</summary>
    public uint EncodeSingleToken(ReadOnlySpan<byte> bytes)
    {
        uint r = bytes.IsEmpty ? RankTable.None : _ranks.Get(bytes);
        if (r != RankTable.None) return r;
        int k = Specials.IndexOfText(bytes);
        if (k >= 0) return Specials.Ids[k];
        throw new KeyNotFoundException(PyBytesRepr(bytes));
    }

    /// <summary>tiktoken's message for a disallowed special token found in the text.</summary>
    public static string DisallowedMessage(string token)
    {
        string r = PyRepr(token);
        return $"Encountered text corresponding to disallowed special token {r}.\n"
            + $"If you want this text to be encoded as a special token, pass it to `allowed_special`, e.g. `allowed_special={{{r}, ...}}`.\n"
            + $"If you want this text to be encoded as normal text, disable the check for this token by passing `disallowed_special=(enc.special_tokens_set - {{{r}}})`.\n"
            + "To disable this check for all special tokens, pass `disallowed_special=()`.\n";
    }

    // Python's repr() of a str, for the common cases (printable text, quotes, backslashes, control characters).
    internal static string PyRepr(string s)
    {
        char q = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(q);
        foreach (char c in s)
        {
            if (c == q || c == '\\') sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else if (c < 0x20 || c == 0x7F) sb.Append($"\\x{(int)c:x2}");
            else sb.Append(c);
        }
        return sb.Append(q).ToString();
    }

    private static string PyBytesRepr(ReadOnlySpan<byte> b)
    {
        var sb = new StringBuilder("b'");
        foreach (byte c in b)
        {
            if (c == '\'' || c == '\\') sb.Append('\\').Append((char)c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else if (c < 0x20 || c >= 0x7F) sb.Append($"\\x{c:x2}");
            else sb.Append((char)c);
        }
        return sb.Append('\'').ToString();
    }

    // ---- decoding ------------------------------------------------------------------------------------------

    /// <summary>The bytes of one token (mergeable or special); KeyNotFoundException for an unknown id.</summary>
    public ReadOnlySpan<byte> TokenBytes(uint token)
    {
        int len = token < (uint)_decodeLength.Length ? _decodeLength[token] : 0;
        if (len > 0) return _ranks.Blob.Slice(_decodeOffset[token], len);
        if (len < 0) return _specialBlob.AsSpan(_decodeOffset[token], -len);
        throw new KeyNotFoundException($"Invalid token for decoding: {token}");
    }

    /// <summary>Total byte length of the decoded tokens (validates every id).</summary>
    public long DecodedLength(ReadOnlySpan<uint> tokens)
    {
        long n = 0;
        foreach (uint t in tokens) n += TokenBytes(t).Length;
        return n;
    }

    /// <summary>Writes the bytes of <paramref name="tokens"/> into <paramref name="dest"/> (sized by <see cref="DecodedLength"/>).</summary>
    public int Decode(ReadOnlySpan<uint> tokens, Span<byte> dest)
    {
        int at = 0;
        foreach (uint t in tokens)
        {
            var b = TokenBytes(t);
            b.CopyTo(dest[at..]);
            at += b.Length;
        }
        return at;
    }

    /// <summary>
    /// Byte offsets of a batch decode: sequence i is <paramref name="ids"/>[offsets[i]..offsets[i + 1]) and its bytes
    /// will be [result[i], result[i + 1]) of the blob <see cref="DecodeBatch"/> writes. Validates the offsets and
    /// every id (KeyNotFoundException for the first unknown one, as a sequential decode would report it).
    /// </summary>
    public unsafe long[] DecodeBatchOffsets(ReadOnlySpan<uint> ids, ReadOnlySpan<long> offsets, int threads)
    {
        if (offsets.IsEmpty) throw new ArgumentException("offsets need one entry more than the sequences");
        int count = offsets.Length - 1;
        long previous = 0;
        foreach (long o in offsets)
        {
            if (o < previous || o > ids.Length) throw new ArgumentException("offsets must ascend from 0 within the ids");
            previous = o;
        }
        var sizes = new long[count];
        for (int i = 0; i < count; i++) sizes[i] = offsets[i + 1] - offsets[i];
        int[] bounds = BatchRunner.Plan(sizes, ref threads);
        var result = new long[count + 1];
        fixed (uint* pi = ids)
        fixed (long* po = offsets)
        {
            nint ip = (nint)pi, op = (nint)po;
            BatchRunner.Run(bounds.Length - 1, threads, c =>
            {
                for (int i = bounds[c]; i < bounds[c + 1]; i++)
                {
                    long lo = ((long*)op)[i], hi = ((long*)op)[i + 1];
                    result[i + 1] = DecodedLength(new ReadOnlySpan<uint>((uint*)ip + lo, (int)(hi - lo)));
                }
            });
        }
        for (int i = 0; i < count; i++) result[i + 1] += result[i];
        return result;
    }

    /// <summary>
    /// Writes the bytes of every sequence of a batch to <paramref name="dest"/> at the offsets
    /// <see cref="DecodeBatchOffsets"/> gave (dest holds their last entry), on <paramref name="threads"/> threads.
    /// </summary>
    public unsafe void DecodeBatch(ReadOnlySpan<uint> ids, ReadOnlySpan<long> offsets, ReadOnlySpan<long> byteOffsets, byte* dest, int threads)
    {
        int count = offsets.Length - 1;
        if (count < 0 || byteOffsets.Length != offsets.Length) throw new ArgumentException("offsets and byte offsets differ in count");
        var sizes = new long[count];
        for (int i = 0; i < count; i++) sizes[i] = byteOffsets[i + 1] - byteOffsets[i];
        int[] bounds = BatchRunner.Plan(sizes, ref threads);
        fixed (uint* pi = ids)
        fixed (long* po = offsets)
        fixed (long* pb = byteOffsets)
        {
            nint ip = (nint)pi, op = (nint)po, bp = (nint)pb, dp = (nint)dest;
            BatchRunner.Run(bounds.Length - 1, threads, c =>
            {
                for (int i = bounds[c]; i < bounds[c + 1]; i++)
                {
                    long lo = ((long*)op)[i], hi = ((long*)op)[i + 1], at = ((long*)bp)[i];
                    long size = ((long*)bp)[i + 1] - at;
                    if (size > int.MaxValue) throw new ArgumentException($"sequence {i} decodes to over 2 GiB");
                    Decode(new ReadOnlySpan<uint>((uint*)ip + lo, (int)(hi - lo)), new Span<byte>((byte*)dp + at, (int)size));
                }
            });
        }
    }

    /// <summary>The mergeable tokens as given (blob, start offsets, ranks); the arrays are pinned when loaded by <see cref="RankFiles"/>.</summary>
    public RankFiles.Ranks Mergeable { get; }
}
