using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Aotml.Text;
using Aotml.Text.Normalization;
using Aotml.Tokenization;
using TokEncoding = Aotml.Tokenization.Encoding;

namespace Aotml.Native.Exports;

/// <summary>
/// tokenizer.json tokenizers (Hugging Face's format): load, save, describe, encode a batch into one columnar block,
/// decode, vocabulary look-ups, added tokens; and Unicode normalization.
/// </summary>
/// <remarks>
/// A native tokenizer is immutable: truncation and padding arrive with each call, and adding tokens makes a new one.
/// Encode results are one block of 32-bit words (see <see cref="EncodingBlock"/>) so that Python reads every column
/// of every encoding through one buffer, without a crossing per field.
/// </remarks>
internal static unsafe class Tokenizers
{
    private static ReadOnlySpan<byte> Bytes(byte* p, long len, string what)
    {
        if (len < 0 || (p == null && len != 0)) throw new ArgumentException($"invalid {what} (null or negative length)");
        if (len > int.MaxValue) throw new ArgumentException($"{what} of {len} bytes is over the 2 GiB limit");
        return new ReadOnlySpan<byte>(p, (int)len);
    }

    private static string Utf8(byte* p, long len, string what) => System.Text.Encoding.UTF8.GetString(Bytes(p, len, what));

    private static void Out(byte** dest, long* len, string s)
    {
        *dest = NativeUtf8.Alloc(s, out int n);
        *len = n;
    }

    private static void Out(byte** dest, long* len, ReadOnlySpan<byte> s)
    {
        byte* p = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, s.Length));
        s.CopyTo(new Span<byte>(p, s.Length));
        *dest = p;
        *len = s.Length;
    }

    /// <summary>int32_t aotml_tokenizer_from_json(const uint8_t* json, int64_t len, void** out): loads a tokenizer.json.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_from_json")]
    public static int FromJson(byte* json, long len, nint* result)
    {
        try
        {
            if (result == null) throw new ArgumentNullException("out");
            *result = Handles.New(Tokenizer.FromJson(Bytes(json, len, "tokenizer.json")));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_tokenizer_to_json(void* tok, int32_t pretty, char** json, int64_t* len): tokenizer.json as HF writes it.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_to_json")]
    public static int ToJson(nint tok, int pretty, byte** json, long* len)
    {
        try
        {
            if (json == null || len == null) throw new ArgumentNullException("out");
            Out(json, len, Handles.Get<Tokenizer>(tok).ToJson(pretty != 0));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tokenizer_info(void* tok, char** json, int64_t* len): vocabulary sizes, added tokens (id order)
    /// and the file's default truncation and padding, as JSON.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_info")]
    public static int Info(nint tok, byte** json, long* len)
    {
        try
        {
            if (json == null || len == null) throw new ArgumentNullException("out");
            Out(json, len, TokenizerInfo.Json(Handles.Get<Tokenizer>(tok)));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tokenizer_encode_batch(void* tok, texts, pairs, has_pair, options, pad_token, word_counts,
    /// num_threads, void* cancel, uint32_t** block, int64_t* n_words): see aotml.h for the option words and the block layout.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_encode_batch")]
    public static int EncodeBatch(nint tok, byte** texts, long* lens, long n, byte** pairs, long* pairLens, long nPairs,
        byte* hasPair, long nHasPair, long* options, long nOptions, byte* padToken, long padTokenLen,
        long* wordCounts, long nWordCounts, int threads, nint cancel, uint** block, long* nWords)
    {
        try
        {
            if (block == null || nWords == null) throw new ArgumentNullException("out");
            var t = Handles.Get<Tokenizer>(tok);
            var opts = EncodeCall.Parse(new ReadOnlySpan<long>(options, (int)Math.Clamp(nOptions, 0, 64)), nOptions,
                Utf8(padToken, padTokenLen, "pad_token"));
            if (n == 1 && nHasPair == 0 && nWordCounts == 0 && !opts.Matrices && !opts.Ragged && texts != null && lens != null)
            {
                // encode() of one text: read in place (the caller holds it for the call), without the batch's copies.
                var text = Bytes(texts[0], lens[0], "texts[0]");
                if (opts.Options.Truncation is { } limit) t.ValidateTruncation(limit);
                if (cancel != 0) Handles.Get<CancellationTokenSource>(cancel).Token.ThrowIfCancellationRequested();
                var single = opts.Options.Truncation is null && opts.Options.Padding is null
                    ? StreamedColumns.EncodeOne(t, text, opts.Options, opts.Tokens)
                    : EncodingBlock.Columns([t.Encode(text, default, false, opts.Options)], t, opts.Tokens);
                *block = single.Pointer;
                *nWords = single.Length;
                return 0;
            }
            // The streamed layouts read the texts in place (the caller holds them, unchanged, for the call); the
            // paths through Encoding objects take copies.
            var inPlace = new TextList(texts, lens, n, null, "texts");
            TextList? pairsInPlace = null;
            if (nHasPair != 0)
            {
                if (nHasPair != n || nPairs != n) throw new ArgumentException($"{n} texts need {n} pairs and pair flags, not {nPairs} and {nHasPair}");
                if (hasPair == null) throw new ArgumentException("invalid has_pair");
                pairsInPlace = new TextList(pairs, pairLens, nPairs, hasPair, "pairs");
            }
            if (opts.Options.Truncation is { } truncation) t.ValidateTruncation(truncation);
            var token = cancel == 0 ? default : Handles.Get<CancellationTokenSource>(cancel).Token;
            if (opts.Ragged)
            {
                if (nWordCounts != 0) throw new ArgumentException("the ragged ids layout takes plain texts, not pre-tokenized words");
                var ragged = StreamedColumns.EncodeIds(t, inPlace, pairsInPlace, opts.Options, threads, token);
                *block = ragged.Pointer;
                *nWords = ragged.Length;
                return 0;
            }
            if (opts.Matrices && nWordCounts == 0)
            {
                // Ids and type ids per row, without Encoding objects where the fast path takes the text.
                var matrices = StreamedColumns.EncodeMatrices(t, inPlace, pairsInPlace, opts.Options, threads, token);
                *block = matrices.Pointer;
                *nWords = matrices.Length;
                return 0;
            }
            if (nWordCounts == 0 && n > 1 && opts.Options.Truncation is null && opts.Options.Padding is null)
            {
                // Nothing needs the whole batch's encodings at once: each is written out as soon as it is made.
                var streamed = StreamedColumns.Encode(t, inPlace, pairsInPlace, opts.Options, threads, opts.Tokens, token);
                *block = streamed.Pointer;
                *nWords = streamed.Length;
                return 0;
            }
            var seqs = inPlace.ToArrays();
            byte[]?[]? pairList = null;
            if (pairsInPlace is { } pl)
            {
                var all = pl.ToArrays();
                pairList = new byte[]?[n];
                for (int i = 0; i < n; i++) pairList[i] = pl.Has(i) ? all[i] : null;
            }
            TokEncoding[] encodings;
            if (nWordCounts != 0)
            {
                // Pre-tokenized input: texts holds every word, word_counts says whose (see aotml.h).
                if (nHasPair != 0) throw new ArgumentException("pre-tokenized input gives its pairs' words in word_counts, not in has_pair");
                if (wordCounts == null || nWordCounts < 0 || nWordCounts > int.MaxValue) throw new ArgumentException("invalid word_counts");
                var (inputs, pairWords) = PretokenizedInput.Split(seqs, new ReadOnlySpan<long>(wordCounts, (int)nWordCounts));
                encodings = t.EncodeWordsBatch(inputs, pairWords, opts.Options, threads, token);
            }
            else encodings = t.EncodeBatch(seqs, pairList, opts.Options, threads, token);
            var words = opts.Matrices
                ? EncodingBlock.Matrices(encodings, opts.Options.Padding?.PadId ?? 0, opts.Options.Padding?.PadTypeId ?? 0,
                    opts.Options.Padding?.Direction == Direction.Left)
                : EncodingBlock.Columns(encodings, t, opts.Tokens);
            *block = words.Pointer;
            *nWords = words.Length;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tokenizer_decode_batch(void* tok, const uint32_t* ids, int64_t n_ids, const int64_t* offsets,
    /// int64_t n_offsets, int32_t skip_special_tokens, int32_t num_threads, char** utf8, int64_t** text_offsets,
    /// int64_t* count): sequence i is ids[offsets[i]:offsets[i+1]]; its text is utf8[text_offsets[i]:text_offsets[i+1]].
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_decode_batch")]
    public static int DecodeBatch(nint tok, uint* ids, long nIds, long* offsets, long nOffsets, int skipSpecial, int threads,
        byte** utf8, long** textOffsets, long* count)
    {
        try
        {
            if (utf8 == null || textOffsets == null || count == null) throw new ArgumentNullException("out");
            if (nIds < 0 || nIds > int.MaxValue || (nIds > 0 && ids == null)) throw new ArgumentException("invalid ids");
            if (nOffsets < 1 || offsets == null || nOffsets > int.MaxValue) throw new ArgumentException("sequence offsets need at least one entry");
            int n = (int)nOffsets - 1;
            for (int i = 0; i < n; i++)
                if (offsets[i] < 0 || offsets[i + 1] < offsets[i] || offsets[i + 1] > nIds) throw new ArgumentException("invalid sequence offsets");
            var t = Handles.Get<Tokenizer>(tok);
            var texts = new string[n];
            nint ip = (nint)ids, op = (nint)offsets;
            BatchRunner.Run(n, Math.Max(1, threads), i =>
            {
                long s = ((long*)op)[i], e = ((long*)op)[i + 1];
                texts[i] = t.Decode(new ReadOnlySpan<uint>((uint*)ip + s, (int)(e - s)), skipSpecial != 0);
            });
            var lengths = new long[n + 1];
            for (int i = 0; i < n; i++) lengths[i + 1] = lengths[i] + System.Text.Encoding.UTF8.GetByteCount(texts[i]);
            byte* buf = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, lengths[n]));
            long* off = (long*)NativeMemory.Alloc((nuint)(n + 1), 8);
            for (int i = 0; i < n; i++)
                System.Text.Encoding.UTF8.GetBytes(texts[i], new Span<byte>(buf + lengths[i], (int)(lengths[i + 1] - lengths[i])));
            lengths.CopyTo(new Span<long>(off, n + 1));
            *utf8 = buf; *textOffsets = off; *count = n;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_tokenizer_token_to_id(void* tok, const char* token, int64_t len, int64_t* id): -1 when absent.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_token_to_id")]
    public static int TokenToId(nint tok, byte* token, long len, long* id)
    {
        try
        {
            if (id == null) throw new ArgumentNullException(nameof(id));
            *id = Handles.Get<Tokenizer>(tok).TokenToId(Utf8(token, len, "token")) is uint v ? v : -1;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tokenizer_id_to_token(void* tok, int64_t id, int32_t* found, char** token, int64_t* len): found 0
    /// (and an empty token) when the id is not in the vocabulary.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_id_to_token")]
    public static int IdToToken(nint tok, long id, int* found, byte** token, long* len)
    {
        try
        {
            if (found == null || token == null || len == null) throw new ArgumentNullException("out");
            var t = Handles.Get<Tokenizer>(tok);
            string? s = id is >= 0 and <= uint.MaxValue ? t.IdToToken((uint)id) : null;
            *found = s == null ? 0 : 1;
            Out(token, len, s ?? "");
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_tokenizer_vocab(void* tok, int32_t with_added_tokens, char** json, int64_t* len): {token: id} as JSON.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_vocab")]
    public static int Vocab(nint tok, int withAdded, byte** json, long* len)
    {
        try
        {
            if (json == null || len == null) throw new ArgumentNullException("out");
            var vocab = Handles.Get<Tokenizer>(tok).GetVocab(withAdded != 0);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(vocab.Count * 16 + 16);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                foreach (var (k, v) in vocab) w.WriteNumber(k, v);
                w.WriteEndObject();
            }
            Out(json, len, buffer.WrittenSpan);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tokenizer_add_tokens(void* tok, const char* tokens_json, int64_t len, int32_t special, void** out,
    /// int64_t* added): a NEW tokenizer with the tokens (a JSON list of {content, single_word, lstrip, rstrip,
    /// normalized, special}) added; added is how many were new.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_add_tokens")]
    public static int AddTokens(nint tok, byte* tokensJson, long len, int special, nint* result, long* added)
    {
        try
        {
            if (result == null || added == null) throw new ArgumentNullException("out");
            var t = Handles.Get<Tokenizer>(tok);
            var list = TokenizerInfo.ParseAddedTokens(Bytes(tokensJson, len, "tokens"));
            var next = t.WithAddedTokens(list, special != 0, out int n);
            *result = Handles.New(next);
            *added = n;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_tokenizer_with_settings(void* tok, const int64_t* options, int64_t n_options, const char* pad_token,
    /// int64_t pad_token_len, void** out): a NEW tokenizer sharing tok's components whose recorded truncation and
    /// padding (what tokenizer.json saves) are those of the encode option words.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_tokenizer_with_settings")]
    public static int WithSettings(nint tok, long* options, long nOptions, byte* padToken, long padTokenLen, nint* result)
    {
        try
        {
            if (result == null) throw new ArgumentNullException("out");
            var t = Handles.Get<Tokenizer>(tok);
            var opts = EncodeCall.Parse(new ReadOnlySpan<long>(options, (int)Math.Clamp(nOptions, 0, 64)), nOptions,
                Utf8(padToken, padTokenLen, "pad_token")).Options;
            if (opts.Truncation is { } truncation) t.ValidateTruncation(truncation);
            *result = Handles.New(t.WithDefaults(opts.Truncation, opts.Padding));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_unicode_normalize(const char* form, int64_t form_len, const uint8_t* text, int64_t len,
    /// char** out, int64_t* out_len): NFC, NFD, NFKC or NFKD of the text (UCD 15.0), as unicodedata.normalize.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_unicode_normalize")]
    public static int UnicodeNormalize(byte* form, long formLen, byte* text, long len, byte** dest, long* destLen)
    {
        try
        {
            if (dest == null || destLen == null) throw new ArgumentNullException("out");
            var f = Utf8(form, formLen, "form") switch
            {
                "NFC" => NormalizationForm.FormC,
                "NFD" => NormalizationForm.FormD,
                "NFKC" => NormalizationForm.FormKC,
                "NFKD" => NormalizationForm.FormKD,
                _ => throw new ArgumentException("invalid normalization form"),
            };
            var input = Bytes(text, len, "text");
            if (Normalizer.IsNormalized(input, f)) Out(dest, destLen, input);
            else Out(dest, destLen, Normalizer.Normalize(input, f));
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }
}
