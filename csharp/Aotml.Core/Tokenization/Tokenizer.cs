using System.Runtime.InteropServices;
using Aotml.Text;
using Aotml.Tokenization.Json;

namespace Aotml.Tokenization;

/// <summary>What one encode call asks for; truncation and padding travel with the call (the tokenizer is immutable).</summary>
public struct EncodeOptions
{
    /// <summary>Let the post-processor add its special tokens.</summary>
    public bool AddSpecialTokens;
    /// <summary>Truncation, or null for none.</summary>
    public TruncationParams? Truncation;
    /// <summary>Padding, or null for none.</summary>
    public PaddingParams? Padding;
    /// <summary>Encode special added tokens as plain text (HF <c>encode_special_tokens</c>).</summary>
    public bool EncodeSpecialTokens;
    /// <summary>Report offsets in code points (as HF's Python binding does) instead of bytes.</summary>
    public bool CharOffsets;
}

/// <summary>
/// A tokenizer.json pipeline (Hugging Face tokenizers 0.23): added tokens are cut out first (those matched on the
/// original text, then, after normalization, those matched on the normalized text), the rest is normalized,
/// pre-tokenized and tokenized by the model, then truncated, post-processed and padded. Immutable: any number of
/// threads may encode with one instance.
/// </summary>
public sealed partial class Tokenizer
{
    internal Tokenizer(IModel model, INormalizer? normalizer, IPreTokenizer? preTokenizer, IPostProcessor? postProcessor,
        IDecoder? decoder, AddedVocabulary added, TruncationParams? truncation, PaddingParams? padding, TokenizerJson.RawParts raw)
    {
        Model = model; Normalizer = normalizer; PreTokenizer = preTokenizer; PostProcessor = postProcessor; Decoder = decoder;
        Added = added; DefaultTruncation = truncation; DefaultPadding = padding; Raw = raw;
        _fast = FastPipeline.Create(normalizer, preTokenizer);
    }

    private readonly FastPipeline? _fast;

    /// <summary>The model.</summary>
    public IModel Model { get; }
    /// <summary>The normalizer, if any.</summary>
    public INormalizer? Normalizer { get; }
    /// <summary>The pre-tokenizer, if any.</summary>
    public IPreTokenizer? PreTokenizer { get; }
    /// <summary>The post-processor, if any.</summary>
    public IPostProcessor? PostProcessor { get; }
    /// <summary>The decoder, if any.</summary>
    public IDecoder? Decoder { get; }
    /// <summary>The added vocabulary.</summary>
    public AddedVocabulary Added { get; }
    /// <summary>The truncation the tokenizer.json names (null for none).</summary>
    public TruncationParams? DefaultTruncation { get; }
    /// <summary>The padding the tokenizer.json names (null for none).</summary>
    public PaddingParams? DefaultPadding { get; }
    internal TokenizerJson.RawParts Raw { get; }

    /// <summary>
    /// This tokenizer with other default truncation and padding (what its tokenizer.json records); the components are
    /// shared, so this costs no reload.
    /// </summary>
    public Tokenizer WithDefaults(TruncationParams? truncation, PaddingParams? padding) =>
        new(Model, Normalizer, PreTokenizer, PostProcessor, Decoder, Added, truncation, padding, Raw);

    /// <summary>Loads a tokenizer.json; <see cref="ConfigurationException"/> naming the JSON path of what is wrong.</summary>
    public static Tokenizer FromJson(ReadOnlySpan<byte> utf8Json) => TokenizerJson.Read(utf8Json);

    /// <summary>The tokenizer.json text HF would write for this tokenizer.</summary>
    public byte[] ToJson(bool pretty) => TokenizerJson.Write(this, pretty);

    /// <summary>The added tokens with their ids, by ascending id.</summary>
    public IReadOnlyList<(uint Id, AddedToken Token)> AddedTokens =>
        Added.ById.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)).ToArray();

    /// <summary>
    /// A tokenizer with <paramref name="tokens"/> added (marked special when <paramref name="special"/>);
    /// <paramref name="added"/> gets how many were new (HF <c>add_tokens</c> / <c>add_special_tokens</c>).
    /// </summary>
    public Tokenizer WithAddedTokens(IReadOnlyList<AddedToken> tokens, bool special, out int added)
    {
        var list = special ? tokens.Select(t => t with { Special = true }).ToList() : tokens;
        var vocab = Added.With(list, Model, Normalizer, out added);
        return new Tokenizer(Model, Normalizer, PreTokenizer, PostProcessor, Decoder, vocab, DefaultTruncation, DefaultPadding, Raw);
    }

    /// <summary>The id of a token (added tokens first).</summary>
    public uint? TokenToId(string token) => Added.TokenToId(token) ?? Model.TokenToId(token);

    /// <summary>The token of an id (added tokens first, in their normalized form).</summary>
    public string? IdToToken(uint id) => Added.IdToToken(id) ?? Model.IdToToken(id);

    private string?[]? _vocabTokens;

    /// <summary>
    /// <see cref="IdToToken"/> of every id below the largest one (built on first use; ids past its end are looked up
    /// one by one), so that an encode result need not carry the strings that equal it.
    /// </summary>
    public string?[] VocabTokens()
    {
        var v = _vocabTokens;
        if (v != null) return v;
        long n = Model.VocabSize;
        foreach (var id in Added.ById.Keys) n = Math.Max(n, id + 1L);
        v = new string?[Math.Min(n, 1 << 24)];
        for (int i = 0; i < v.Length; i++) v[i] = IdToToken((uint)i);
        return _vocabTokens = v;
    }

    /// <summary>The vocabulary size, with the added tokens counted once each when <paramref name="withAddedTokens"/>.</summary>
    public int GetVocabSize(bool withAddedTokens)
    {
        int n = Model.VocabSize;
        if (!withAddedTokens) return n;
        foreach (var t in Added.Vocab.Keys) if (Model.TokenToId(t) is null) n++;
        return n;
    }

    /// <summary>Token → id, the added tokens overriding the model's entries when <paramref name="withAddedTokens"/>.</summary>
    public IReadOnlyDictionary<string, uint> GetVocab(bool withAddedTokens)
    {
        var v = new Dictionary<string, uint>(Model.GetVocab());
        if (withAddedTokens) foreach (var (t, id) in Added.Vocab) v[t] = id;
        return v;
    }

    /// <summary>
    /// Fails as HF's <c>with_truncation</c> does when <paramref name="p"/>'s stride leaves no room once the special
    /// tokens of a single sequence are counted.
    /// </summary>
    public void ValidateTruncation(TruncationParams p)
    {
        if (p.MaxLength < 0 || p.Stride < 0) throw new ArgumentException("max_length and stride must not be negative");
        int added = PostProcessor?.AddedTokens(false) ?? 0;
        int effective = p.MaxLength - added;
        if (effective >= 0 && effective < p.Stride)
            throw new ArgumentException($"tokenizer stride set to {p.Stride}, which is greater than or equal to its effective max length of {effective} (= {p.MaxLength} original max length - {added} added special tokens), ");
    }

    /// <summary>Encodes a sequence and, when <paramref name="hasPair"/>, its pair.</summary>
    public Encoding Encode(ReadOnlySpan<byte> text, ReadOnlySpan<byte> pair, bool hasPair, in EncodeOptions options)
    {
        var encoding = EncodeSequence(text, 0, options);
        var pairEncoding = hasPair ? EncodeSequence(pair, 1, options) : null;
        var result = PostProcess(encoding, pairEncoding, options);
        if (options.Padding is { } p) Padding.PadEncodings([result], p);
        return result;
    }

    /// <summary>
    /// Encodes a batch on <paramref name="threads"/> threads created for the call, then pads the batch together; the
    /// first failing input's exception is thrown. Input i is a pair when <paramref name="pairs"/>[i] is not null, so
    /// one batch may mix single sequences and pairs. <paramref name="cancel"/> is checked between chunks of inputs.
    /// </summary>
    public Encoding[] EncodeBatch(IReadOnlyList<byte[]> texts, IReadOnlyList<byte[]?>? pairs, in EncodeOptions options, int threads,
        CancellationToken cancel = default)
    {
        if (pairs != null && pairs.Count != texts.Count) throw new ArgumentException($"{texts.Count} texts but {pairs.Count} pairs");
        var results = new Encoding[texts.Count];
        if (threads == 1 || texts.Count == 1)
        {
            // One thread: a plain loop, without the plan, the closure and the per-chunk bookkeeping.
            for (int i = 0; i < results.Length; i++)
            {
                cancel.ThrowIfCancellationRequested();
                byte[]? pair = pairs?[i];
                results[i] = Encode(texts[i], pair, pair != null, options);
            }
            if (options.Padding is { } pp) Padding.PadEncodings(results, pp);
            return results;
        }
        var sizes = new long[texts.Count];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = texts[i].Length + (pairs?[i]?.Length ?? 0) + 1;
        int[] bounds = BatchRunner.Plan(sizes, ref threads);
        var opts = options;
        BatchRunner.Run(bounds.Length - 1, threads, c =>
        {
            for (int i = bounds[c]; i < bounds[c + 1]; i++)
            {
                byte[]? pair = pairs?[i];
                results[i] = Encode(texts[i], pair, pair != null, opts);
            }
        }, cancel);
        if (options.Padding is { } p) Padding.PadEncodings(results, p);
        return results;
    }

    /// <summary>Decodes ids to text through the decoder (tokens joined by spaces without one).</summary>
    public string Decode(ReadOnlySpan<uint> ids, bool skipSpecialTokens)
    {
        var tokens = new List<string>(ids.Length);
        foreach (uint id in ids)
        {
            string? t = IdToToken(id);
            if (t is null || (skipSpecialTokens && Added.IsSpecial(t))) continue;
            tokens.Add(t);
        }
        return Decoder is null ? string.Join(" ", tokens) : Decoder.Decode(tokens);
    }

    // HF's post_process: truncate (leaving room for the special tokens), post-process, then the caller pads.
    private Encoding PostProcess(Encoding encoding, Encoding? pair, in EncodeOptions options)
    {
        if (options.Truncation is { } t)
        {
            int added = PostProcessor?.AddedTokens(pair != null) ?? 0;
            int max = options.AddSpecialTokens && added > 0 ? t.MaxLength - added : t.MaxLength;
            // HF subtracts in unsigned arithmetic: a length below the special tokens' count wraps and truncates nothing.
            if (max >= 0) Truncation.TruncateEncodings(encoding, pair, max, t.Stride, t.Strategy, t.Direction);
        }
        if (PostProcessor != null && pair is null && !encoding.HasOverflowing)
            return ProcessSingle(PostProcessor, encoding, options.AddSpecialTokens);
        if (PostProcessor != null) return PostProcessor.Process(encoding, pair, options.AddSpecialTokens);
        if (pair is null) return encoding;
        encoding.SetSequenceId(0);
        pair.SetSequenceId(1);
        var merged = new Encoding();
        merged.MergeWith(encoding, false);
        merged.MergeWith(pair, false);
        return merged;
    }

    // IPostProcessor.Process for one sequence without overflow, without its copies: the result is the single encoding
    // the processor returns (ByteLevel's), or the template written once into an encoding of the exact size.
    private static Encoding ProcessSingle(IPostProcessor processor, Encoding encoding, bool addSpecialTokens)
    {
        if (processor is PostProcessors.TemplateProcessing tp && encoding.Tokens.Count == encoding.Length
            && ApplyTemplate(tp, encoding, addSpecialTokens) is { } applied)
            return applied;
        encoding.SetSequenceId(0);
        encoding.SetTypeIds(0);
        var list = processor.ProcessEncodings([encoding], addSpecialTokens);
        // Merging one encoding without overflow copies it: the copy is not needed.
        if (list.Count == 1 && ReferenceEquals(list[0], encoding) && !encoding.HasOverflowing) return encoding;
        return Encoding.Merge(list, growingOffsets: false);
    }

    // TemplateProcessing's single template (HF process + merge): the special tokens and the sequence with the piece's
    // type id, the sequence's range recorded. Null when the template names a pair's sequence or an unknown special
    // token: the general path reports those.
    private static Encoding? ApplyTemplate(PostProcessors.TemplateProcessing tp, Encoding e, bool addSpecialTokens)
    {
        int n = 0;
        foreach (var p in tp.Single)
        {
            if (p.IsSequence) { if (p.Id != "A") return null; n += e.Length; }
            else if (addSpecialTokens) { if (!tp.SpecialTokens.TryGetValue(p.Id, out var st)) return null; n += st.Ids.Count; }
        }
        var r = new Encoding(n);
        (int, int)? range = null;
        foreach (var p in tp.Single)
        {
            if (p.IsSequence)
            {
                int start = r.Length;
                r.Ids.AddRange(e.Ids);
                for (int i = 0; i < e.Length; i++) r.TypeIds.Add(p.TypeId);
                r.Tokens.AddRange(e.Tokens);
                r.Offsets.AddRange(e.Offsets);
                r.WordIds.AddRange(e.WordIds);
                r.SpecialTokensMask.AddRange(e.SpecialTokensMask);
                r.AttentionMask.AddRange(e.AttentionMask);
                range = (start, r.Length);
            }
            else if (addSpecialTokens)
            {
                var st = tp.SpecialTokens[p.Id];
                for (int k = 0; k < st.Ids.Count; k++) r.Add(st.Ids[k], st.Tokens[k], (0, 0), -1, p.TypeId, special: true);
            }
        }
        if (range is { } rg) r.SequenceRanges[0] = rg;
        return r;
    }

    // Performance notes (English prose lines, one thread, best of 3 on a loaded 2-core machine, so ratios only):
    // - FastPipeline (pieces as byte ranges, per-thread scratch, no NormalizedString/Token lists) when the normalized
    //   text is the original byte for byte: all-MiniLM-L6-v2 x2-3; llama3 x1.5-2, the rest being the BPE model.
    // - ASCII texts skip the byte -> code point offset map (it allocated one int per byte of every text).
    // - Post-processing one sequence writes the template once (ApplyTemplate) instead of copying the encoding into
    //   per-piece encodings and merging them; a processor that returns the encoding itself (ByteLevel) costs no copy.
    // - Encode blocks carry only token strings that differ from the vocabulary (Python maps ids through a cached
    //   id_to_token): the UTF-8 of every token was written, then decoded.
    // - Tried: a larger gen0 budget (DOTNET_GCgen0size=64 MiB) gave +10-40 % on 2 threads in one noisy run; not
    //   made a default (memory of every process that loads the engine).

    /// <summary>One sequence through added-token matching, normalization, pre-tokenization and the model.</summary>
    internal Encoding EncodeSequence(ReadOnlySpan<byte> text, uint typeId, in EncodeOptions options)
    {
        if (_fast?.TryEncode(this, text, typeId, options) is { } fast) return fast;
        return EncodeSequenceGeneral(text, typeId, options);
    }

    /// <summary>
    /// A single sequence, post-processed, through the fast path into per-thread scratch (no Encoding); false when the
    /// fast path declines it or the post-processor does more than add special tokens. No truncation, no padding.
    /// </summary>
    public bool TryEncodeFast(ReadOnlySpan<byte> text, in EncodeOptions options, out FastEncoding result)
    {
        result = default;
        return options.Truncation is null && options.Padding is null && _fast != null && _fast.TryEncodeSingle(this, text, options, out result);
    }

    /// <summary>
    /// <see cref="TryEncodeFast"/> for ids only: the sequence's ids (per-thread scratch) and the template that goes
    /// around them.
    /// </summary>
    public bool TryEncodeIdsFast(ReadOnlySpan<byte> text, in EncodeOptions options, out ReadOnlySpan<uint> ids, out SingleTemplate template)
    {
        ids = default;
        template = SingleTemplate.Plain;
        return options.Truncation is null && options.Padding is null && _fast != null && _fast.TryEncodeIds(this, text, options, out ids, out template);
    }

    /// <summary>The fast path alone: null when it declines this text (or there is none for these components).</summary>
    internal Encoding? EncodeSequenceFast(ReadOnlySpan<byte> text, uint typeId, in EncodeOptions options) =>
        _fast?.TryEncode(this, text, typeId, options);

    /// <summary><see cref="EncodeSequence"/> without the fast path (the reference the fast path is tested against).</summary>
    internal Encoding EncodeSequenceGeneral(ReadOnlySpan<byte> text, uint typeId, in EncodeOptions options)
    {
        var normalized = new NormalizedString(text);
        var tokens = new List<Token>();
        var pieces = new List<NormalizedString>();
        var runs = new List<PreTokenizedString.TokenRun?>();
        Added.Split(normalized, false, options.EncodeSpecialTokens, pieces, runs, tokens);
        var pieces2 = new List<NormalizedString>(pieces.Count);
        var runs2 = new List<PreTokenizedString.TokenRun?>(pieces.Count);
        for (int i = 0; i < pieces.Count; i++)
        {
            if (runs[i] is not null) { pieces2.Add(pieces[i]); runs2.Add(runs[i]); continue; }
            Normalizer?.Normalize(pieces[i]);
            Added.Split(pieces[i], true, options.EncodeSpecialTokens, pieces2, runs2, tokens);
        }
        var pre = new PreTokenizedString(pieces2, runs2);
        PreTokenizer?.PreTokenize(pre);

        var t = options.Truncation;
        if (t != null && (t.Strategy != TruncationStrategy.OnlySecond || typeId != 0)) TokenizeWithLimit(pre, tokens, t.MaxLength, t.Direction);
        else for (int i = 0; i < pre.Pieces.Count; i++) if (pre.TokensOf(i) is null) TokenizePiece(pre, i, tokens);

        var encoding = new Encoding(tokens.Count);
        for (int w = 0; w < pre.Pieces.Count; w++)
        {
            var piece = pre.Pieces[w];
            var run = pre.TokensOf(w)!.Value;
            int shift = piece.OriginalShift;
            for (int k = run.Start; k < run.Start + run.Count; k++)
            {
                var tok = tokens[k];
                var o = piece.ConvertOffsets(OffsetReferential.Normalized, tok.Start, tok.End) is (int s, int e) ? (shift + s, shift + e) : (tok.Start, tok.End);
                encoding.Add(tok.Id, tok.Value, o, w, typeId);
            }
        }
        if (options.CharOffsets && !System.Text.Ascii.IsValid(text)) encoding.ConvertOffsetsToChars(normalized.OriginalUtf8, 0, encoding.Length);
        return encoding;
    }

    // HF's tokenize_with_limit: stop tokenizing once the pieces so far make max tokens, and drop the pieces after.
    private void TokenizeWithLimit(PreTokenizedString pre, List<Token> tokens, int max, Direction direction)
    {
        int total = 0, n = pre.Pieces.Count;
        if (direction == Direction.Right)
        {
            int last = 0;
            for (int i = 0; i < n; i++)
            {
                if (pre.TokensOf(i) is { } r) { total += r.Count; last = i + 1; continue; }
                total += TokenizePiece(pre, i, tokens);
                last = i + 1;
                if (total >= max) break;
            }
            pre.Keep(0, last);
        }
        else
        {
            int first = n;
            for (int i = n - 1; i >= 0; i--)
            {
                if (pre.TokensOf(i) is { } r) { total += r.Count; first = i; continue; }
                total += TokenizePiece(pre, i, tokens);
                first = i;
                if (total >= max) break;
            }
            pre.Keep(first, n);
        }
    }

    private int TokenizePiece(PreTokenizedString pre, int i, List<Token> tokens)
    {
        var piece = pre.Pieces[i].NormalizedUtf8;
        int start = tokens.Count;
        var sink = new TokenListSink(tokens);
        Model.Tokenize(piece, 0, ref sink);
        var span = CollectionsMarshal.AsSpan(tokens);
        for (int k = start; k < span.Length; k++)
            span[k] = span[k] with { Value = Model.TokenValue(span[k].Id, piece, span[k].Start, span[k].End) };
        pre.SetTokens(i, new PreTokenizedString.TokenRun(start, tokens.Count - start));
        return tokens.Count - start;
    }

    private readonly struct TokenListSink(List<Token> tokens) : ITokenSink
    {
        public static bool WantsOffsets => true;

        public void Add(uint id, int start, int end) => tokens.Add(new Token(id, "", start, end));
    }
}
