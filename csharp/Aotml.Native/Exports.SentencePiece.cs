using System.Runtime.InteropServices;
using System.Text.Json;
using Aotml.SentencePiece;

namespace Aotml.Native.Exports;

/// <summary>sentencepiece-compatible processors: load a .model, encode (ids, pieces, n-best), normalize, decode.</summary>
internal static unsafe class SentencePiece
{
    private const int FlagSample = 1, FlagEmitUnk = 2;

    private static ReadOnlySpan<byte> Bytes(byte* p, long len, string what)
    {
        if (len < 0 || (p == null && len != 0)) throw new ArgumentException($"invalid {what} (null or negative length)");
        if (len > int.MaxValue) throw new ArgumentException($"{what} of {len} bytes is over the 2 GiB limit; split it");
        return new ReadOnlySpan<byte>(p, (int)len);
    }

    private static void OutBytes(ReadOnlySpan<byte> data, byte** dest, long* len)
    {
        if (dest == null || len == null) throw new ArgumentNullException("out");
        byte* b = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, data.Length));
        data.CopyTo(new Span<byte>(b, data.Length));
        *dest = b;
        *len = data.Length;
    }

    private static SpEncodeOptions Options(int flags, double alpha, int nbest) =>
        new((flags & FlagSample) != 0, nbest, (float)alpha);

    private static void CheckTexts(byte** texts, long* lens, long n)
    {
        if (n < 0 || n > int.MaxValue || (n > 0 && (texts == null || lens == null))) throw new ArgumentException("invalid batch");
        for (long i = 0; i < n; i++) Bytes(texts[i], lens[i], $"text {i}");
    }

    /// <summary>aotml_spm_new (see aotml.h): a processor from a serialized ModelProto.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_spm_new")]
    public static int New(byte* model, long len, nint* result)
    {
        try
        {
            if (result == null) throw new ArgumentNullException("out");
            *result = Handles.New(new SpModel(Bytes(model, len, "model")));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>aotml_spm_info (see aotml.h): the vocabulary and the options the Python side needs, as JSON.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_spm_info")]
    public static int Info(nint handle, byte** json, long* len)
    {
        try
        {
            var m = Handles.Get<SpModel>(handle);
            var buf = new System.Buffers.ArrayBufferWriter<byte>(m.Count * 24 + 256);
            using (var w = new Utf8JsonWriter(buf, SpBatch.JsonOptions))
            {
                var t = m.Proto.Trainer;
                w.WriteStartObject();
                w.WriteNumber("model_type", (int)t.ModelType);
                w.WriteNumber("unk_id", m.UnkId);
                w.WriteString("unk_piece", t.UnkPiece);
                w.WriteString("bos_piece", t.BosPiece);
                w.WriteString("eos_piece", t.EosPiece);
                w.WriteString("pad_piece", t.PadPiece);
                // What a tokenizer.json rendering of the model needs (aotml.tokenizers' from_sentencepiece).
                w.WriteBoolean("byte_fallback", t.ByteFallback);
                w.WriteBoolean("treat_whitespace_as_suffix", t.TreatWhitespaceAsSuffix);
                w.WriteString("unk_surface", t.UnkSurface);
                var ns = m.Proto.Normalizer;
                w.WriteString("normalizer_name", ns.Name);
                w.WriteBoolean("add_dummy_prefix", ns.AddDummyPrefix);
                w.WriteBoolean("remove_extra_whitespaces", ns.RemoveExtraWhitespaces);
                w.WriteBoolean("escape_whitespaces", ns.EscapeWhitespaces);
                w.WriteBase64String("precompiled_charsmap", ns.PrecompiledCharsmap);
                w.WriteBoolean("has_denormalizer", m.Proto.Denormalizer is { PrecompiledCharsmap.Length: > 0 });
                w.WriteStartArray("pieces");
                for (int i = 0; i < m.Count; i++) w.WriteStringValue(m.Piece(i).Utf8);
                w.WriteEndArray();
                w.WriteStartArray("scores");
                for (int i = 0; i < m.Count; i++) w.WriteNumberValue(m.Piece(i).Score);
                w.WriteEndArray();
                w.WriteStartArray("types");
                for (int i = 0; i < m.Count; i++) w.WriteNumberValue((int)m.Piece(i).Type);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            OutBytes(buf.WrittenSpan, json, len);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>aotml_spm_encode (see aotml.h): the ids of one text into the caller's buffer, the call of one text
    /// at a time (no batch arrays, nothing allocated for the result).</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_spm_encode")]
    public static int Encode(nint handle, byte* text, long len, uint* dest, long capacity, long* count)
    {
        try
        {
            if (count == null || (dest == null && capacity > 0) || capacity < 0) throw new ArgumentException("invalid output buffer");
            var m = Handles.Get<SpModel>(handle);
            var tokens = SpBatch.EncodeOne(m, Bytes(text, len, "text"), default);
            if (tokens.Count > capacity)
                throw new ArgumentException($"{tokens.Count} ids do not fit the buffer of {capacity}; use aotml_spm_encode_batch");
            for (int k = 0; k < tokens.Count; k++) dest[k] = (uint)tokens[k].Id;
            *count = tokens.Count;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>aotml_spm_encode_batch (see aotml.h): ids of every text, flat, with n + 1 offsets (aotml_free).</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_spm_encode_batch")]
    public static int EncodeBatch(nint handle, byte** texts, long* lens, long n, int flags, double alpha, int nbest,
        int numThreads, uint** ids, long** offsets)
    {
        try
        {
            if (ids == null || offsets == null) throw new ArgumentNullException("out");
            var m = Handles.Get<SpModel>(handle);
            CheckTexts(texts, lens, n);
            if (n == 1)
            {
                // One text (a call per text): its ids straight into the result, no batch bookkeeping.
                var tokens = SpBatch.EncodeOne(m, new ReadOnlySpan<byte>(texts[0], (int)lens[0]), Options(flags, alpha, nbest));
                uint* one = (uint*)NativeMemory.Alloc((nuint)Math.Max(1, tokens.Count), 4);
                long* bounds = (long*)NativeMemory.Alloc(2, 8);
                for (int k = 0; k < tokens.Count; k++) one[k] = (uint)tokens[k].Id;
                bounds[0] = 0;
                bounds[1] = tokens.Count;
                *ids = one; *offsets = bounds;
                return 0;
            }
            nint tp = (nint)texts, lp = (nint)lens;
            var (flat, off) = SpBatch.EncodeIds(m, i => new ReadOnlySpan<byte>(((byte**)tp)[i], (int)((long*)lp)[i]),
                (int)n, Options(flags, alpha, nbest), numThreads);
            uint* f = (uint*)NativeMemory.Alloc((nuint)Math.Max(1, flat.Length), 4);
            long* o = (long*)NativeMemory.Alloc((nuint)(n + 1), 8);
            flat.CopyTo(new Span<uint>(f, flat.Length));
            off.CopyTo(new Span<long>(o, off.Length));
            *ids = f; *offsets = o;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>aotml_spm_encode_pieces_batch (see aotml.h): pieces of every text as a JSON list of lists.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_spm_encode_pieces_batch")]
    public static int EncodePiecesBatch(nint handle, byte** texts, long* lens, long n, int flags, double alpha, int nbest,
        int numThreads, byte** json, long* len)
    {
        try
        {
            var m = Handles.Get<SpModel>(handle);
            CheckTexts(texts, lens, n);
            nint tp = (nint)texts, lp = (nint)lens;
            var bytes = SpBatch.EncodePiecesJson(m, i => new ReadOnlySpan<byte>(((byte**)tp)[i], (int)((long*)lp)[i]),
                (int)n, Options(flags, alpha, nbest), (flags & FlagEmitUnk) != 0, numThreads);
            OutBytes(bytes, json, len);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>aotml_spm_nbest (see aotml.h): the n best segmentations (or, with the sampling flag, n samples and
    /// their log-probabilities) as JSON [[ids, pieces, score], ...].</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_spm_nbest")]
    public static int NBest(nint handle, byte* text, long textLen, int flags, int n, double alpha, byte** json, long* len)
    {
        try
        {
            var m = Handles.Get<SpModel>(handle);
            if (n < 0 || n > 1024) throw new ArgumentException($"nbest_size must be in [0, 1024], got {n}");
            var t = Bytes(text, textLen, "text");
            var bytes = (flags & FlagSample) != 0
                ? SpNBest.SampledJson(m, t, n, (float)alpha, (flags & FlagEmitUnk) != 0)
                : SpNBest.Json(m, t, n, (flags & FlagEmitUnk) != 0);
            OutBytes(bytes, json, len);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>aotml_spm_normalize (see aotml.h): the normalized text.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_spm_normalize")]
    public static int Normalize(nint handle, byte* text, long textLen, byte** result, long* len)
    {
        try
        {
            var m = Handles.Get<SpModel>(handle);
            OutBytes(m.Normalizer.Normalize(Bytes(text, textLen, "text")), result, len);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>aotml_spm_decode_batch (see aotml.h): sequence i is ids[offsets[i]:offsets[i+1]].</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_spm_decode_batch")]
    public static int DecodeBatch(nint handle, uint* ids, long nIds, long* offsets, long nOffsets, int numThreads,
        byte** blob, long** blobOffsets, long* count)
    {
        try
        {
            if (blob == null || blobOffsets == null || count == null) throw new ArgumentNullException("out");
            if (nIds < 0 || nIds > int.MaxValue || (ids == null && nIds > 0)) throw new ArgumentException("invalid id array");
            if (nOffsets < 1 || nOffsets > int.MaxValue || offsets == null) throw new ArgumentException("offsets need one entry more than the sequences");
            var m = Handles.Get<SpModel>(handle);
            int n = (int)nOffsets - 1;
            var texts = new byte[n][];
            for (int i = 0; i < n; i++)
            {
                long s = offsets[i], e = offsets[i + 1];
                if (s < 0 || e < s || e > nIds) throw new ArgumentException($"invalid offsets for sequence {i}");
                var seq = new int[e - s];
                for (long k = s; k < e; k++) seq[k - s] = (int)ids[k];
                texts[i] = m.DecodeIds(seq);
            }
            long total = 0;
            foreach (var t in texts) total += t.Length;
            byte* b = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, total));
            long* bo = (long*)NativeMemory.Alloc((nuint)(n + 1), 8);
            long at = 0;
            bo[0] = 0;
            for (int i = 0; i < n; i++)
            {
                texts[i].CopyTo(new Span<byte>(b + at, texts[i].Length));
                at += texts[i].Length;
                bo[i + 1] = at;
            }
            *blob = b; *blobOffsets = bo; *count = n;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>aotml_spm_decode_pieces (see aotml.h): the text of a sequence of pieces.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_spm_decode_pieces")]
    public static int DecodePieces(nint handle, byte** pieces, long* lens, long n, byte** result, long* len)
    {
        try
        {
            var m = Handles.Get<SpModel>(handle);
            CheckTexts(pieces, lens, n);
            var list = new byte[n][];
            for (long i = 0; i < n; i++) list[i] = Bytes(pieces[i], lens[i], "piece").ToArray();
            OutBytes(m.DecodePieces(list), result, len);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }
}
