using System.Runtime.InteropServices;
using System.Text;
using Aotml.Tiktoken;

namespace Aotml.Native.Exports;

/// <summary>tiktoken-compatible encodings: create, encode (to caller or library memory), count, decode.</summary>
internal static unsafe class Tiktoken
{
    private static string Utf8(byte* p, long len, string what)
    {
        if (len < 0 || (p == null && len != 0)) throw new ArgumentException($"invalid {what}");
        return len == 0 ? "" : Encoding.UTF8.GetString(p, checked((int)len));
    }

    private static ReadOnlySpan<byte> Bytes(byte* p, long len, string what = "text")
    {
        if (len < 0 || (p == null && len != 0)) throw new ArgumentException($"invalid {what} (null or negative length)");
        if (len > int.MaxValue) throw new ArgumentException($"{what} of {len} bytes is over the 2 GiB limit; split it");
        return new ReadOnlySpan<byte>(p, (int)len);
    }

    private static List<(string, uint)> Specials(byte* blob, long blobLen, long* offsets, long nOffsets, uint* ids, long n)
    {
        if (n < 0 || n > int.MaxValue || (n > 0 && (offsets == null || ids == null))) throw new ArgumentException("invalid special tokens");
        if (nOffsets != n + 1) throw new ArgumentException($"{n} special tokens need {n + 1} offsets, not {nOffsets}");
        var list = new List<(string, uint)>((int)n);
        for (long i = 0; i < n; i++)
        {
            long s = offsets[i], e = offsets[i + 1];
            if (s < 0 || e < s || e > blobLen) throw new ArgumentException("invalid special token offsets");
            list.Add((Utf8(blob + s, e - s, "special token"), ids[i]));
        }
        return list;
    }

    private static int? NVocab(long v) => v <= 0 ? null
        : v <= int.MaxValue ? (int)v : throw new ArgumentException($"explicit_n_vocab {v} is over the 2**31 - 1 token limit");

    /// <summary>
    /// aotml_tiktoken_new (see aotml.h): an encoding from ranks in memory (copied).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_new")]
    public static int New(byte* name, long nameLen, byte* rankBlob, long rankBlobLen, long* rankOffsets, long nRankOffsets,
        uint* ranks, long nRanks, byte* pat, long patLen, byte* specialBlob, long specialBlobLen, long* specialOffsets,
        long nSpecialOffsets, uint* specialIds, long nSpecials,
        long explicitNVocab, nint* result)
    {
        try
        {
            if (result == null) throw new ArgumentNullException("out");
            if (nRanks < 0 || nRanks > int.MaxValue - 1 || (nRanks > 0 && (rankOffsets == null || ranks == null)))
                throw new ArgumentException("invalid mergeable ranks");
            if (nRankOffsets != nRanks + 1) throw new ArgumentException($"{nRanks} ranks need {nRanks + 1} offsets, not {nRankOffsets}");
            int n = (int)nRanks;
            long blobLen = n == 0 ? 0 : rankOffsets[n];
            if (blobLen < 0 || blobLen > rankBlobLen) throw new ArgumentException("rank offsets run past the rank bytes");
            var offsets = GC.AllocateUninitializedArray<int>(n + 1, pinned: true);
            offsets[0] = 0;
            for (int i = 0; i < n; i++)
            {
                long s = rankOffsets[i], e = rankOffsets[i + 1];
                if (s < 0 || e <= s || e > blobLen) throw new ConfigurationException($"mergeable token {i} (rank {ranks[i]}) is empty or out of range");
                offsets[i + 1] = (int)e;
            }
            if (n > 0 && rankOffsets[0] != 0) throw new ArgumentException("rank offsets must start at 0");
            var blob = GC.AllocateUninitializedArray<byte>((int)blobLen, pinned: true);
            Bytes(rankBlob, blobLen, "rank bytes").CopyTo(blob);
            var values = GC.AllocateUninitializedArray<uint>(n, pinned: true);
            new ReadOnlySpan<uint>(ranks, n).CopyTo(values);
            var enc = new TiktokenEncoding(Utf8(name, nameLen, "name"), Utf8(pat, patLen, "pat_str"),
                new RankFiles.Ranks(blob, offsets, values), Specials(specialBlob, specialBlobLen, specialOffsets, nSpecialOffsets, specialIds, nSpecials),
                NVocab(explicitNVocab));
            *result = Handles.New(enc);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// aotml_tiktoken_new_from_file (see aotml.h): ranks from a .tiktoken or compact file.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_new_from_file")]
    public static int NewFromFile(byte* name, long nameLen, byte* path, long pathLen, byte* pat, long patLen,
        byte* specialBlob, long specialBlobLen, long* specialOffsets, long nSpecialOffsets, uint* specialIds, long nSpecials,
        long explicitNVocab, nint* result)
    {
        try
        {
            if (result == null) throw new ArgumentNullException("out");
            var ranks = RankFiles.Load(Utf8(path, pathLen, "path"));
            var enc = new TiktokenEncoding(Utf8(name, nameLen, "name"), Utf8(pat, patLen, "pat_str"), ranks,
                Specials(specialBlob, specialBlobLen, specialOffsets, nSpecialOffsets, specialIds, nSpecials), NVocab(explicitNVocab));
            *result = Handles.New(enc);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_parse_ranks(const uint8_t* data, int64_t len, const char* source, int64_t source_len,
    /// uint8_t** blob, int64_t* blob_len, int64_t** offsets, uint32_t** ranks, int64_t* count): parses a .tiktoken
    /// (or compact) file's bytes; the three arrays are freed with aotml_free; offsets has count + 1 entries.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_parse_ranks")]
    public static int ParseRanks(byte* data, long len, byte* source, long sourceLen, byte** blob, long* blobLen, long** offsets, uint** ranks, long* count)
    {
        try
        {
            if (blob == null || blobLen == null || offsets == null || ranks == null || count == null) throw new ArgumentNullException("out");
            var src = Utf8(source, sourceLen, "source");
            var bytes = Bytes(data, len, "data");
            var r = bytes.StartsWith("AOTMLBPE"u8) ? RankFiles.ParseCompact(bytes, src) : RankFiles.ParseTiktoken(bytes, src);
            byte* b = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, r.Blob.Length));
            long* o = (long*)NativeMemory.Alloc((nuint)(8 * (r.Count + 1)));
            uint* v = (uint*)NativeMemory.Alloc((nuint)(4 * Math.Max(1, r.Count)));
            r.Blob.CopyTo(new Span<byte>(b, r.Blob.Length));
            for (int i = 0; i <= r.Count; i++) o[i] = r.Offsets[i];
            r.Values.CopyTo(new Span<uint>(v, r.Count));
            *blob = b; *blobLen = r.Blob.Length; *offsets = o; *ranks = v; *count = r.Count;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_info(void* enc, int64_t* n_mergeable, int64_t* max_token_value, int32_t* pattern_kind):
    /// pattern_kind 0 gpt2, 1 cl100k, 2 o200k (hand-written scanners), 3 any other pattern (.NET Regex).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_info")]
    public static int Info(nint enc, long* nMergeable, long* maxTokenValue, int* patternKind)
    {
        try
        {
            var e = Handles.Get<TiktokenEncoding>(enc);
            if (nMergeable != null) *nMergeable = e.MergeableCount;
            if (maxTokenValue != null) *maxTokenValue = e.MaxTokenValue;
            if (patternKind != null) *patternKind = e.PatternKind;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_policy_new(void* enc, int32_t allowed_all, const uint32_t* allowed, int64_t n_allowed,
    /// int32_t disallow_rest, const uint32_t* disallowed, int64_t n_disallowed, void** out): which special tokens an
    /// encode call emits (allowed) and which make it fail (disallowed), by id; freed with aotml_handle_free.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_policy_new")]
    public static int PolicyNew(nint enc, int allowedAll, uint* allowed, long nAllowed, int disallowRest, uint* disallowed, long nDisallowed, nint* result)
    {
        try
        {
            if (result == null) throw new ArgumentNullException("out");
            var e = Handles.Get<TiktokenEncoding>(enc);
            if (nAllowed < 0 || nDisallowed < 0) throw new ArgumentException("negative id count");
            var p = SpecialPolicy.Create(e.Specials, allowedAll != 0, new ReadOnlySpan<uint>(allowed, (int)nAllowed),
                disallowRest != 0, new ReadOnlySpan<uint>(disallowed, (int)nDisallowed));
            *result = Handles.New(p);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    // A null policy handle means encode_ordinary.
    private static SpecialPolicy Policy(TiktokenEncoding e, nint policy)
    {
        if (policy == 0) return e.OrdinaryPolicy;
        var p = Handles.Get<SpecialPolicy>(policy);
        if (!p.Fits(e.Specials)) throw new ArgumentException("the special-token policy belongs to another encoding");
        return p;
    }

    /// <summary>
    /// int32_t aotml_tiktoken_encode(void* enc, void* policy, const uint8_t* text, int64_t len, uint32_t* out,
    /// int64_t capacity, int64_t* n_out): into caller memory; capacity = len always suffices. policy NULL = ordinary.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_encode")]
    public static int Encode(nint enc, nint policy, byte* text, long len, uint* dest, long capacity, long* count)
    {
        try
        {
            if (count == null || (dest == null && capacity > 0) || capacity < 0) throw new ArgumentException("invalid output buffer");
            var e = Handles.Get<TiktokenEncoding>(enc);
            *count = e.Encode(Bytes(text, len), dest, capacity, Policy(e, policy));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_encode_alloc(void* enc, void* policy, const uint8_t* text, int64_t len, uint32_t** out,
    /// int64_t* n_out): into library memory (free with aotml_free), e.g. to wrap as a numpy array without a copy.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_encode_alloc")]
    public static int EncodeAlloc(nint enc, nint policy, byte* text, long len, uint** dest, long* count)
    {
        uint* buf = null;
        try
        {
            if (dest == null || count == null) throw new ArgumentNullException("out");
            var e = Handles.Get<TiktokenEncoding>(enc);
            var t = Bytes(text, len);
            buf = (uint*)NativeMemory.Alloc((nuint)Math.Max(1, t.Length), 4);
            long n = e.Encode(t, buf, t.Length, Policy(e, policy));
            // Text averages ~4 bytes a token: give back the unused three quarters of the upper bound.
            if (n < t.Length / 2) buf = (uint*)NativeMemory.Realloc(buf, (nuint)Math.Max(1, n) * 4);
            *dest = buf; *count = n;
            return 0;
        }
        catch (Exception e) { NativeMemory.Free(buf); return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_tiktoken_count(void* enc, void* policy, const uint8_t* text, int64_t len, int64_t* n_out)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_count")]
    public static int Count(nint enc, nint policy, byte* text, long len, long* count)
    {
        try
        {
            if (count == null) throw new ArgumentNullException("n_out");
            var e = Handles.Get<TiktokenEncoding>(enc);
            *count = e.Count(Bytes(text, len), Policy(e, policy));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_encode_batch(void* enc, void* policy, const uint8_t** texts, const int64_t* lens,
    /// int64_t n, int32_t num_threads, uint32_t** ids, int64_t** offsets): flat ids and n + 1 offsets, both freed
    /// with aotml_free; num_threads threads are created for the call and joined before it returns.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_encode_batch")]
    public static int EncodeBatch(nint enc, nint policy, byte** texts, long* lens, long n, int numThreads, nint cancel, uint** ids, long** offsets)
    {
        try
        {
            if (ids == null || offsets == null) throw new ArgumentNullException("out");
            if (n < 0 || n > int.MaxValue || (n > 0 && (texts == null || lens == null))) throw new ArgumentException("invalid batch");
            var e = Handles.Get<TiktokenEncoding>(enc);
            for (long i = 0; i < n; i++) Bytes(texts[i], lens[i], $"text {i}");
            nint tp = (nint)texts, lp = (nint)lens;
            var token = cancel == 0 ? default : Handles.Get<CancellationTokenSource>(cancel).Token;
            var r = BatchEncoder.Encode(e, Policy(e, policy), i => new ReadOnlySpan<byte>(((byte**)tp)[i], (int)((long*)lp)[i]), (int)n, numThreads, token);
            uint* flat = (uint*)NativeMemory.Alloc((nuint)Math.Max(1, r.Total), 4);
            long* off = (long*)NativeMemory.Alloc((nuint)(n + 1), 8);
            r.CopyTo(new Span<uint>(flat, checked((int)r.Total)));
            r.Offsets.CopyTo(new Span<long>(off, (int)n + 1));
            *ids = flat; *offsets = off;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_encode_single_piece(void* enc, const uint8_t* bytes, int64_t len, uint32_t* out,
    /// int64_t capacity, int64_t* n_out): the byte-pair merge of bytes without splitting.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_encode_single_piece")]
    public static int EncodeSinglePiece(nint enc, byte* bytes, long len, uint* dest, long capacity, long* count)
    {
        try
        {
            if (count == null || capacity < len) throw new ArgumentException("the output buffer needs one slot per byte");
            var e = Handles.Get<TiktokenEncoding>(enc);
            *count = e.EncodeSinglePiece(Bytes(bytes, len, "bytes"), new Span<uint>(dest, (int)capacity));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_tiktoken_encode_single_token(void* enc, const uint8_t* bytes, int64_t len, uint32_t* token)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_encode_single_token")]
    public static int EncodeSingleToken(nint enc, byte* bytes, long len, uint* token)
    {
        try
        {
            if (token == null) throw new ArgumentNullException(nameof(token));
            *token = Handles.Get<TiktokenEncoding>(enc).EncodeSingleToken(Bytes(bytes, len, "bytes"));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_decode(void* enc, const uint32_t* tokens, int64_t n, uint8_t** out, int64_t* len):
    /// the bytes of the tokens, in library memory freed with aotml_free; an unknown id is AOTML_ERR_KEY.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_decode")]
    public static int Decode(nint enc, uint* tokens, long n, byte** dest, long* len)
    {
        try
        {
            if (dest == null || len == null) throw new ArgumentNullException("out");
            if (n < 0 || n > int.MaxValue || (tokens == null && n > 0)) throw new ArgumentException("invalid token array");
            var e = Handles.Get<TiktokenEncoding>(enc);
            var t = new ReadOnlySpan<uint>(tokens, (int)n);
            long total = e.DecodedLength(t);
            if (total > int.MaxValue) throw new ArgumentException("decoded text over 2 GiB");
            byte* buf = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, total));
            e.Decode(t, new Span<byte>(buf, (int)total));
            *dest = buf; *len = total;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_decode_batch(void* enc, const uint32_t* ids, int64_t n_ids, const int64_t* offsets,
    /// int64_t n_offsets, int32_t num_threads, uint8_t** blob, int64_t** blob_offsets, int64_t* count): sequence i is
    /// ids[offsets[i]:offsets[i+1]]; its bytes are blob[blob_offsets[i]:blob_offsets[i+1]] (both aotml_free).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_decode_batch")]
    public static int DecodeBatch(nint enc, uint* ids, long nIds, long* offsets, long nOffsets, int numThreads, byte** blob, long** blobOffsets, long* count)
    {
        try
        {
            if (blob == null || blobOffsets == null || count == null) throw new ArgumentNullException("out");
            if (nIds < 0 || nIds > int.MaxValue || (ids == null && nIds > 0)) throw new ArgumentException("invalid token array");
            if (nOffsets < 1 || nOffsets > int.MaxValue || offsets == null) throw new ArgumentException("offsets need one entry more than the sequences");
            var e = Handles.Get<TiktokenEncoding>(enc);
            var t = new ReadOnlySpan<uint>(ids, (int)nIds);
            var o = new ReadOnlySpan<long>(offsets, (int)nOffsets);
            long[] at = e.DecodeBatchOffsets(t, o, numThreads);
            byte* b = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, at[^1]));
            try
            {
                e.DecodeBatch(t, o, at, b, numThreads);
                long* bo = (long*)NativeMemory.Alloc((nuint)at.Length, 8);
                at.CopyTo(new Span<long>(bo, at.Length));
                *blob = b; *blobOffsets = bo; *count = at.Length - 1;
            }
            catch
            {
                NativeMemory.Free(b);
                throw;
            }
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_token_bytes(void* enc, uint32_t token, const uint8_t** bytes, int64_t* len): a
    /// pointer into the encoding (valid while it lives) to the bytes of one token, special tokens included.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_token_bytes")]
    public static int TokenBytes(nint enc, uint token, byte** bytes, long* len)
    {
        try
        {
            if (bytes == null || len == null) throw new ArgumentNullException("out");
            var b = Handles.Get<TiktokenEncoding>(enc).TokenBytes(token);
            // The blobs are pinned arrays, so the pointer stays valid after the fixed block.
            fixed (byte* p = b) *bytes = p;
            *len = b.Length;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tiktoken_mergeable(void* enc, const uint8_t** blob, const int32_t** offsets,
    /// const uint32_t** ranks, int64_t* count): the mergeable tokens as stored (pointers valid while enc lives):
    /// token i is blob[offsets[i]:offsets[i+1]] with rank ranks[i].
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tiktoken_mergeable")]
    public static int Mergeable(nint enc, byte** blob, int** offsets, uint** ranks, long* count)
    {
        try
        {
            if (blob == null || offsets == null || ranks == null || count == null) throw new ArgumentNullException("out");
            var m = Handles.Get<TiktokenEncoding>(enc).Mergeable;
            // Pinned arrays (RankFiles and aotml_tiktoken_new allocate them so): the pointers outlive the fixed blocks.
            fixed (byte* b = m.Blob) *blob = b;
            fixed (int* o = m.Offsets) *offsets = o;
            fixed (uint* r = m.Values) *ranks = r;
            *count = m.Count;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }
}
