using System.Runtime.InteropServices;
using System.Text.Json;
using Aotml.Tokenization;
using TokEncoding = Aotml.Tokenization.Encoding;

namespace Aotml.Native;

/// <summary>The option words of aotml_tokenizer_encode_batch, parsed and checked once.</summary>
internal readonly record struct EncodeCall(EncodeOptions Options, bool Tokens, bool Matrices, bool Ragged = false)
{
    /// <summary>The number of option words the Python layer sends (aotml.h lists them).</summary>
    public const int Words = 15;

    /// <summary>
    /// Reads the option words: add_special_tokens, truncation on, max_length, stride, strategy (0 longest_first,
    /// 1 only_first, 2 only_second), truncation direction (0 right, 1 left), padding on, padding direction, length
    /// (-1 = the batch's longest), pad_to_multiple_of (0 = none), pad_id, pad_type_id, want token strings, result
    /// layout (0 columns, 1 int64 matrices, 2 ragged ids), reserved.
    /// </summary>
    public static EncodeCall Parse(ReadOnlySpan<long> w, long given, string padToken)
    {
        if (given != Words) throw new ArgumentException($"encode options need {Words} words, got {given}");
        // Offsets in code points, converted per sequence before post-processing as HF's Python binding does.
        var o = new EncodeOptions { AddSpecialTokens = w[0] != 0, CharOffsets = true };
        if (w[1] != 0)
        {
            if (w[2] < 0 || w[2] > int.MaxValue) throw new ArgumentException($"max_length must be a non-negative int, got {w[2]}");
            if (w[3] < 0 || w[3] > int.MaxValue) throw new ArgumentException($"stride must be a non-negative int, got {w[3]}");
            var strategy = w[4] switch
            {
                0 => TruncationStrategy.LongestFirst,
                1 => TruncationStrategy.OnlyFirst,
                2 => TruncationStrategy.OnlySecond,
                _ => throw new ArgumentException($"unknown truncation strategy {w[4]}"),
            };
            o.Truncation = new TruncationParams((int)w[2], (int)w[3], strategy, w[5] != 0 ? Direction.Left : Direction.Right);
        }
        if (w[6] != 0)
        {
            if (w[8] < -1 || w[8] > int.MaxValue) throw new ArgumentException($"padding length must be a non-negative int, got {w[8]}");
            if (w[9] < 0 || w[9] > int.MaxValue) throw new ArgumentException($"pad_to_multiple_of must be a non-negative int, got {w[9]}");
            if (w[10] < 0 || w[10] > uint.MaxValue) throw new ArgumentException($"pad_id {w[10]} is out of range");
            if (w[11] < 0 || w[11] > uint.MaxValue) throw new ArgumentException($"pad_type_id {w[11]} is out of range");
            o.Padding = new PaddingParams(w[7] != 0 ? Direction.Left : Direction.Right, w[8] < 0 ? null : (int)w[8],
                w[9] == 0 ? null : (int)w[9], (uint)w[10], (uint)w[11], padToken);
        }
        if (w[13] is not (0 or 1 or 2)) throw new ArgumentException($"unknown result layout {w[13]}");
        return new EncodeCall(o, w[12] != 0, w[13] == 1, w[13] == 2);
    }
}

/// <summary>A block of 32-bit words in library memory (freed by the caller with aotml_free).</summary>
internal readonly unsafe struct WordBlock(uint* pointer, long length)
{
    /// <summary>The first word.</summary>
    public uint* Pointer { get; } = pointer;

    /// <summary>The number of words.</summary>
    public long Length { get; } = length;
}

/// <summary>
/// Writes encode results as one block of uint32 words that the Python layer reads in place.
/// </summary>
/// <remarks>
/// Columns layout (word 0 = 1): header [1, n_inputs, n_encodings, n_tokens, flags (2 = token strings, 4 = compact), token bytes,
/// n_exc, template words (compact; else 0)], then enc_start[n_encodings + 1], enc_parent[n_encodings] (-1 for inputs; encodings are the inputs in order,
/// then the overflowing ones breadth first), then per token: ids, type_ids, offsets (start, end pairs, in code points
/// of the token's own sequence, as HF's Python binding reports them), word_ids (-1 none), sequence_ids (-1 none),
/// special_tokens_mask, attention_mask; with token strings (flags 2) header word 6 counts the tokens whose string is
/// not the vocabulary entry of their id, then come their token indices (ascending), exc_start[n_exc + 1] and their
/// UTF-8 bytes padded to a word (the caller maps every other id through aotml_tokenizer_id_to_token). Compact columns
/// (flags 4, written by <see cref="StreamedColumns"/> when every encoding follows the post-processor's single-sequence
/// template): per token only ids, offset starts, offset ends and word_ids, then header word 7 words of template [n_prefix, n_suffix,
/// sequence type id, prefix type ids, suffix type ids]; each encoding is n_prefix special tokens, its sequence's
/// tokens, n_suffix special tokens, attention 1 throughout. Matrices layout (word 0 = 2): header [2, n, width, 0, 0, 0, 0, 0], then three int64 n × width matrices:
/// ids, attention_mask, type_ids (shorter rows padded on the padding side with the pad id). Ragged ids layout (word 0 = 3):
/// see <see cref="StreamedColumns.EncodeIds"/>.
/// </remarks>
internal static unsafe class EncodingBlock
{
    /// <summary>Header words of either layout.</summary>
    internal const int Header = 8;

    /// <summary>A block of <paramref name="words"/> words, zeroed unless the caller writes every word.</summary>
    internal static WordBlock Alloc(long words, bool clear = true)
    {
        if (words > int.MaxValue) throw new OutOfMemoryException("the encode result is over 8 GiB; encode in smaller batches");
        var p = (uint*)NativeMemory.AlignedAlloc((nuint)(words * 4), 16);
        if (clear) new Span<uint>(p, (int)words).Clear();
        return new WordBlock(p, words);
    }

    /// <summary>The matrices layout: padded int64 ids, attention mask and type ids of the inputs (overflows left out).</summary>
    public static WordBlock Matrices(TokEncoding[] encodings, uint padId, uint padTypeId, bool padLeft)
    {
        int n = encodings.Length, width = 0;
        foreach (var e in encodings) width = Math.Max(width, e.Length);
        long cells = (long)n * width;
        var block = Alloc(Header + 6 * cells);
        uint* p = block.Pointer;
        p[0] = 2; p[1] = (uint)n; p[2] = (uint)width;
        long* ids = (long*)(p + Header), mask = ids + cells, types = mask + cells;
        for (int r = 0; r < n; r++)
        {
            var e = encodings[r];
            int pad = width - e.Length, start = padLeft ? pad : 0;
            long row = (long)r * width;
            for (int c = 0; c < width; c++)
            {
                int k = c - start;
                bool real = k >= 0 && k < e.Length;
                ids[row + c] = real ? e.Ids[k] : padId;
                mask[row + c] = real ? e.AttentionMask[k] : 0;
                types[row + c] = real ? e.TypeIds[k] : padTypeId;
            }
        }
        return block;
    }

    /// <summary>
    /// The columns layout of every encoding, overflows included; with <paramref name="tokens"/>, the strings of the
    /// tokens whose text is not <see cref="Tokenizer.IdToToken"/> of their id (the caller has that table).
    /// </summary>
    public static WordBlock Columns(TokEncoding[] inputs, Tokenizer tokenizer, bool tokens)
    {
        List<TokEncoding> all = [.. inputs];
        List<int>? parent = null;
        for (int i = 0; i < all.Count; i++)
        {
            if (!all[i].HasOverflowing) continue;
            foreach (var o in all[i].Overflowing)
            {
                if (parent is null) { parent = new List<int>(all.Count + 4); for (int j = 0; j < all.Count; j++) parent.Add(-1); }
                all.Add(o); parent.Add(i);
            }
        }

        long nTok = 0, tokBytes = 0, nExc = 0;
        var vocab = tokens ? tokenizer.VocabTokens() : null;
        foreach (var e in all)
        {
            nTok += e.Length;
            if (tokens)
            {
                if (e.Tokens.Count != e.Length) throw new InvalidOperationException("the encoding has no token strings");
                for (int i = 0; i < e.Length; i++)
                    if (!IsVocab(vocab!, tokenizer, e.Ids[i], e.Tokens[i]))
                    {
                        nExc++;
                        tokBytes += System.Text.Encoding.UTF8.GetByteCount(e.Tokens[i]);
                    }
            }
        }
        if (nExc > uint.MaxValue || tokBytes > uint.MaxValue) throw new OutOfMemoryException("the encode result is too large; encode in smaller batches");
        int nEnc = all.Count;
        long words = Header + 2L * nEnc + 1 + 8 * nTok + (tokens ? 2 * nExc + 1 + (tokBytes + 3) / 4 : 0);
        var block = Alloc(words);
        uint* p = block.Pointer;
        p[0] = 1; p[1] = (uint)inputs.Length; p[2] = (uint)nEnc; p[3] = (uint)nTok; p[4] = tokens ? 2u : 0u;
        p[5] = (uint)tokBytes; p[6] = (uint)nExc;
        uint* start = p + Header, par = start + nEnc + 1, ids = par + nEnc, types = ids + nTok;
        int* offs = (int*)(types + nTok), wordIds = offs + 2 * nTok, seqIds = wordIds + nTok;
        uint* special = (uint*)(seqIds + nTok), attention = special + nTok, excIndex = attention + nTok;
        uint* excStart = excIndex + nExc;
        byte* tokUtf8 = (byte*)(excStart + nExc + 1);

        long t = 0, b = 0, x = 0;
        for (int k = 0; k < nEnc; k++)
        {
            var e = all[k];
            start[k] = (uint)t;
            par[k] = parent is null ? uint.MaxValue : (uint)parent[k];
            int n = e.Length;
            var eIds = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(e.Ids);
            var eTypes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(e.TypeIds);
            var eOffs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(e.Offsets);
            var eWords = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(e.WordIds);
            var eSpecial = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(e.SpecialTokensMask);
            var eAttention = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(e.AttentionMask);
            eIds.CopyTo(new Span<uint>(ids + t, n));
            eTypes.CopyTo(new Span<uint>(types + t, n));
            eOffs.CopyTo(new Span<(int, int)>(offs + 2 * t, n));
            eWords.CopyTo(new Span<int>(wordIds + t, n));
            for (int i = 0; i < n; i++) { special[t + i] = eSpecial[i]; attention[t + i] = eAttention[i]; }
            e.WriteSequenceIds(new Span<int>(seqIds + t, n));
            if (tokens)
                for (int i = 0; i < n; i++)
                {
                    string s = e.Tokens[i];
                    if (IsVocab(vocab!, tokenizer, eIds[i], s)) continue;
                    excIndex[x] = (uint)(t + i);
                    excStart[x++] = (uint)b;
                    b += System.Text.Encoding.UTF8.GetBytes(s, new Span<byte>(tokUtf8 + b, (int)(tokBytes - b)));
                }
            t += n;
        }
        start[nEnc] = (uint)t;
        if (tokens) excStart[nExc] = (uint)b;
        return block;
    }

    // Whether token string s of id is the vocabulary's (a reference comparison is enough for the model's own strings).
    internal static bool IsVocab(string?[] vocab, Tokenizer tokenizer, uint id, string s)
    {
        string? v = id < (uint)vocab.Length ? vocab[id] : tokenizer.IdToToken(id);
        return ReferenceEquals(v, s) || (v != null && v == s);
    }
}

/// <summary>The JSON of aotml_tokenizer_info and the added-token list aotml_tokenizer_add_tokens takes.</summary>
internal static class TokenizerInfo
{
    /// <summary>Vocabulary sizes, added tokens (id order), default truncation and padding.</summary>
    public static byte[] Json(Tokenizer t)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("vocab_size", t.GetVocabSize(true));
            w.WriteNumber("vocab_size_base", t.GetVocabSize(false));
            w.WriteStartArray("added_tokens");
            foreach (var (id, tok) in t.AddedTokens)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("content", tok.Content);
                w.WriteBoolean("single_word", tok.SingleWord);
                w.WriteBoolean("lstrip", tok.LStrip);
                w.WriteBoolean("rstrip", tok.RStrip);
                w.WriteBoolean("normalized", tok.Normalized);
                w.WriteBoolean("special", tok.Special);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (t.DefaultTruncation is { } tr)
            {
                w.WriteStartObject("truncation");
                w.WriteString("direction", tr.Direction == Direction.Left ? "left" : "right");
                w.WriteNumber("max_length", tr.MaxLength);
                w.WriteString("strategy", tr.Strategy switch
                {
                    TruncationStrategy.OnlyFirst => "only_first",
                    TruncationStrategy.OnlySecond => "only_second",
                    _ => "longest_first",
                });
                w.WriteNumber("stride", tr.Stride);
                w.WriteEndObject();
            }
            else w.WriteNull("truncation");
            if (t.DefaultPadding is { } pd)
            {
                w.WriteStartObject("padding");
                if (pd.Length is int len) w.WriteNumber("length", len); else w.WriteNull("length");
                if (pd.PadToMultipleOf is int m) w.WriteNumber("pad_to_multiple_of", m); else w.WriteNull("pad_to_multiple_of");
                w.WriteNumber("pad_id", pd.PadId);
                w.WriteString("pad_token", pd.PadToken);
                w.WriteNumber("pad_type_id", pd.PadTypeId);
                w.WriteString("direction", pd.Direction == Direction.Left ? "left" : "right");
                w.WriteEndObject();
            }
            else w.WriteNull("padding");
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A JSON list of added-token objects (content required; the flags default to false, normalized to !special).</summary>
    public static List<AddedToken> ParseAddedTokens(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new ArgumentException("added tokens must be a JSON list");
        var list = new List<AddedToken>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            bool Flag(string name, bool dflt) => e.TryGetProperty(name, out var v) ? v.GetBoolean() : dflt;
            var content = e.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! :
                throw new ArgumentException("an added token needs a content string");
            bool special = Flag("special", false);
            list.Add(new AddedToken(content, Flag("single_word", false), Flag("lstrip", false), Flag("rstrip", false),
                Flag("normalized", !special), special));
        }
        return list;
    }
}
