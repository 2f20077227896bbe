using System.Runtime.InteropServices;
using Aotml.Tokenization;
using TokEncoding = Aotml.Tokenization.Encoding;

namespace Aotml.Native;

/// <summary>
/// The columns layout of <see cref="EncodingBlock"/> for a batch without truncation or padding, written as the batch
/// runs: each chunk copies every encoding into its own native columns as soon as it is made, and the block is the
/// chunks' columns laid end to end.
/// </summary>
/// <remarks>
/// Performance notes (1 MB of English lines, llama3, a loaded 2-core machine, so ratios only): keeping every
/// <see cref="TokEncoding"/> alive until the whole batch was done made each gen0 GC promote all of them (~1 KB of
/// lists per line); with the non-concurrent workstation GC those pauses were about a third of a 1-thread batch and a
/// serial part that capped 2 threads. Encodings that die at once leave gen0 GCs with almost nothing to copy.
/// With truncation (overflowing encodings go after all inputs) or padding (the batch's longest decides) the
/// encodings are still kept and written by <see cref="EncodingBlock.Columns"/>.
/// Measured: engine CPU of a 1-thread batch with token strings -20 %. Tried and dropped: the matrices layout from the
/// same parts (about 10 % slower: zeroing the padded matrices dominates there, and the parts copy unused columns).
/// Round 2 (300 KB of English lines, one thread, thread CPU time, best of 5, base and new run alternately on a loaded
/// machine): single sequences the fast path takes (Tokenizer.TryEncodeFast) go from its per-thread scratch straight
/// into the part's columns, the template's special tokens written around them: no Encoding (seven lists) per text,
/// no GC; parts are pooled across calls (memory already mapped: no kernel page clearing); the block is not zeroed
/// first; token strings come only for tokens whose string may not be the vocabulary's (no string store per token).
/// encode_batch 1 thread: llama3 17.6 -> 28 MB/s, all-MiniLM-L6-v2 13.6 -> 44, deepseek_v3 16 -> 25, llama2
/// 15.3 -> 29 (with the Python side's cheaper Encodings). encode() of one text takes the same route (llama3 2.4 ->
/// 1.6 us, all-MiniLM-L6-v2 2.6 -> 1.5 us thread CPU per 44-character call). The matrices layout now comes from
/// rows of ids and type ids (the fast path's ids-only mode) padded once to the width: x2-2.7. The streamed
/// layouts read the caller's texts in place (<see cref="TextList"/>): no byte[] per text. Parts are copied into the
/// block in parallel on a multi-thread call.
/// Round 3 (what offsets cost over encode_batch_ids, 1 MB of lines, one thread, process CPU time, best of 7, the
/// previous build and this one run alternately on a loaded machine): when every encoding of the call came from the
/// fast path the block is compact (flags 4): per token only ids, offset starts, offset ends (two columns copied as
/// the scratch holds them: no interleaving pass) and word ids; type ids, sequence ids, the special-tokens mask and
/// the attention mask follow from the template, written once in the block and expanded by the Python Encoding on
/// first use. A general-path encoding in the call (added tokens in a text, a pair) makes the parts fill those
/// columns for their fast encodings (Part.FillConstants) and the block takes the full layout. Half the words per
/// token written, copied and page-faulted. With the Python side's GC pause while Encodings are made: English prose
/// all-MiniLM-L6-v2 +70 % -> +50 %, llama3 +55 % -> +27 %, deepseek_v3 +47 % -> +32 %, llama2 +35 % -> +32 %.
/// Left (perf, all-MiniLM-L6-v2 prose): FastPipeline.Tokenize's per-token work with offsets (the sink's two extra
/// stores, the offset mapping, word ids, the vocabulary bit per id: about a third more samples than ids only);
/// ConvertToChars on non-ASCII text (a byte -> character map per text, ~5 % of a multilingual batch); one Python
/// Encoding object per input, made and freed (~0.25 us together).
/// </remarks>
internal static unsafe class StreamedColumns
{
    /// <summary>Encodes texts (pairs[i] when not null) and writes the columns block.</summary>
    public static WordBlock Encode(Tokenizer tokenizer, in TextList texts, TextList? pairs, in EncodeOptions options,
        int threads, bool tokens, CancellationToken cancel)
    {
        if (options.Truncation != null || options.Padding != null) throw new ArgumentException("streamed columns take no truncation or padding");
        int n = texts.Count;
        var vocab = tokens ? tokenizer.VocabTokens() : null;
        var opts = options;
        Part[] parts;
        if (threads == 1 || n <= 1)
        {
            parts = [Part.Rent()];
            try
            {
                for (int i = 0; i < n; i++)
                {
                    cancel.ThrowIfCancellationRequested();
                    parts[0].Encode(tokenizer, texts[i], pairs, i, opts, vocab);
                }
                return Assemble(parts, n, tokens);
            }
            finally { Part.Return(parts[0]); }
        }
        var sizes = new long[n];
        for (int i = 0; i < n; i++) sizes[i] = texts.Length(i) + (pairs?.Length(i) ?? 0) + 1;
        int[] bounds = BatchRunner.Plan(sizes, ref threads);
        TextList list = texts;
        TextList? pairList = pairs;
        parts = new Part[bounds.Length - 1];
        try
        {
            BatchRunner.Run(parts.Length, threads, c =>
            {
                var part = parts[c] = Part.Rent();
                for (int i = bounds[c]; i < bounds[c + 1]; i++) part.Encode(tokenizer, list[i], pairList, i, opts, vocab);
            }, cancel);
            return Assemble(parts, n, tokens, threads);
        }
        finally
        {
            foreach (var p in parts) if (p != null) Part.Return(p);
        }
    }

    /// <summary>encode() of one text without truncation or padding: the columns block of its one encoding.</summary>
    public static WordBlock EncodeOne(Tokenizer tokenizer, ReadOnlySpan<byte> text, in EncodeOptions options, bool tokens)
    {
        var part = Part.Rent();
        try
        {
            part.Encode(tokenizer, text, null, 0, options, tokens ? tokenizer.VocabTokens() : null);
            return AssembleOne(part, 1, tokens);
        }
        finally { Part.Return(part); }
    }

    /// <summary>
    /// The ragged ids layout (word 0 = 3): header [3, n, n_tokens, 0, 0, 0, 0, 0], starts[n + 1], ids[n_tokens]; input
    /// i has ids[starts[i]:starts[i + 1]], special tokens included, overflowing parts left out, no padding. The fast
    /// path asks the model for no offsets and looks up no token strings.
    /// </summary>
    public static WordBlock EncodeIds(Tokenizer tokenizer, in TextList texts, TextList? pairs, in EncodeOptions options,
        int threads, CancellationToken cancel)
    {
        int n = texts.Count;
        var parts = EncodeRows(tokenizer, texts, pairs, options, false, ref threads, cancel);
        try
        {
            long nTok = 0;
            foreach (var q in parts) nTok += q.Ids.Count;
            if (nTok > uint.MaxValue) throw new OutOfMemoryException("the encode result is too large; encode in smaller batches");
            var block = EncodingBlock.Alloc(EncodingBlock.Header + n + 1 + nTok, clear: false);
            uint* p = block.Pointer;
            new Span<uint>(p, EncodingBlock.Header).Clear();
            p[0] = 3; p[1] = (uint)n; p[2] = (uint)nTok;
            uint* start = p + EncodingBlock.Header, ids = start + n + 1;
            long t = 0, k = 0;
            foreach (var part in parts)
            {
                part.Ids.CopyTo(ids + t);
                for (int i = 0; i < part.Lengths.Count; i++) { start[k++] = (uint)t; t += part.Lengths[i]; }
            }
            start[n] = (uint)t;
            return block;
        }
        finally
        {
            foreach (var p in parts) Part.Return(p);
        }
    }

    /// <summary>
    /// The matrices layout of <see cref="EncodingBlock.Matrices"/> from rows encoded without Encoding objects where the
    /// fast path takes them: HF pads each row to the batch's target (the padding's length or the longest row, rounded
    /// up to pad_to_multiple_of), then the matrices pad every row to the longest, both with the same pad id, type id
    /// and side, so each row is padded once to the width here.
    /// </summary>
    public static WordBlock EncodeMatrices(Tokenizer tokenizer, in TextList texts, TextList? pairs, in EncodeOptions options,
        int threads, CancellationToken cancel)
    {
        int n = texts.Count;
        var padding = options.Padding;
        var parts = EncodeRows(tokenizer, texts, pairs, options, true, ref threads, cancel);
        try
        {
            int longest = 0;
            foreach (var q in parts) for (int i = 0; i < q.Lengths.Count; i++) longest = Math.Max(longest, q.Lengths[i]);
            int width = longest;
            if (padding != null && n > 0)
            {
                int target = padding.Length ?? longest;
                if (padding.PadToMultipleOf is int m && m > 0 && target % m > 0) target += m - target % m;
                width = Math.Max(width, target);
            }
            long cells = (long)n * width;
            var block = EncodingBlock.Alloc(EncodingBlock.Header + 6 * cells, clear: false);
            uint* p = block.Pointer;
            new Span<uint>(p, EncodingBlock.Header).Clear();
            p[0] = 2; p[1] = (uint)n; p[2] = (uint)width;
            long padId = padding?.PadId ?? 0, padType = padding?.PadTypeId ?? 0;
            bool left = padding?.Direction == Direction.Left;
            var rowAt = new long[parts.Length + 1];
            for (int c = 0; c < parts.Length; c++) rowAt[c + 1] = rowAt[c] + parts[c].Lengths.Count;
            nint basePtr = (nint)(p + EncodingBlock.Header);
            void Fill(int c)
            {
                long* ids = (long*)basePtr, mask = ids + cells, types = mask + cells;
                var part = parts[c];
                long t = 0;
                for (int i = 0; i < part.Lengths.Count; i++)
                {
                    int len = part.Lengths[i], pad = width - len;
                    long row = (rowAt[c] + i) * width, real = row + (left ? pad : 0), padAt = row + (left ? 0 : len);
                    for (int j = 0; j < len; j++)
                    {
                        ids[real + j] = part.Ids[(int)(t + j)];
                        mask[real + j] = 1;
                        types[real + j] = part.Types[(int)(t + j)];
                    }
                    new Span<long>(ids + padAt, pad).Fill(padId);
                    new Span<long>(mask + padAt, pad).Clear();
                    new Span<long>(types + padAt, pad).Fill(padType);
                    t += len;
                }
            }
            if (threads <= 1 || parts.Length == 1) for (int c = 0; c < parts.Length; c++) Fill(c);
            else BatchRunner.Run(parts.Length, threads, Fill);
            return block;
        }
        finally
        {
            foreach (var p in parts) Part.Return(p);
        }
    }

    // Each input's ids (and type ids when asked), in pooled parts: one per chunk of inputs, in order. No padding
    // (rows keep their own lengths); truncation applies, overflowing parts are left out.
    private static Part[] EncodeRows(Tokenizer tokenizer, in TextList texts, TextList? pairs, in EncodeOptions options,
        bool types, ref int threads, CancellationToken cancel)
    {
        int n = texts.Count;
        var opts = options;
        opts.Padding = null;
        var sizes = new long[n];
        for (int i = 0; i < n; i++) sizes[i] = texts.Length(i) + (pairs?.Length(i) ?? 0) + 1;
        int[] bounds = threads == 1 || n <= 1 ? [0, n] : BatchRunner.Plan(sizes, ref threads);
        var parts = new Part[bounds.Length - 1];
        TextList list = texts;
        TextList? pairList = pairs;
        try
        {
            BatchRunner.Run(parts.Length, threads, c =>
            {
                var part = parts[c] = Part.Rent();
                for (int i = bounds[c]; i < bounds[c + 1]; i++)
                {
                    if (parts.Length == 1) cancel.ThrowIfCancellationRequested();
                    part.EncodeIds(tokenizer, list[i], pairList, i, opts, types);
                }
            }, cancel);
            return parts;
        }
        catch
        {
            foreach (var p in parts) if (p != null) Part.Return(p);
            throw;
        }
    }

    // The parts laid end to end in one block; with threads > 1 the parts are copied in parallel (the copy and the
    // page faults of the fresh block were a serial tenth of a 2-thread batch).
    private static WordBlock Assemble(Part[] parts, int nEnc, bool tokens, int threads = 1)
    {
        int np = parts.Length;
        if (np == 1) return AssembleOne(parts[0], nEnc, tokens);
        var tokAt = new long[np + 1];
        var encAt = new long[np + 1];
        var excAt = new long[np + 1];
        var byteAt = new long[np + 1];
        for (int c = 0; c < np; c++)
        {
            tokAt[c + 1] = tokAt[c] + parts[c].Ids.Count;
            encAt[c + 1] = encAt[c] + parts[c].Lengths.Count;
            excAt[c + 1] = excAt[c] + parts[c].ExcIndex.Count;
            byteAt[c + 1] = byteAt[c] + parts[c].ExcBytes.Count;
        }
        long nTok = tokAt[np], nExc = excAt[np], tokBytes = byteAt[np];
        if (nExc > uint.MaxValue || tokBytes > uint.MaxValue || nTok > uint.MaxValue)
            throw new OutOfMemoryException("the encode result is too large; encode in smaller batches");
        var shape = Shape.Of(parts);
        uint* p = Begin(out var block, nEnc, nTok, nExc, tokBytes, tokens, shape);
        nint basePtr = (nint)p;
        if (threads <= 1 || np == 1)
            for (int c = 0; c < np; c++) CopyPart(parts[c], (uint*)basePtr, nEnc, nTok, nExc, encAt[c], tokAt[c], excAt[c], byteAt[c], shape);
        else
            BatchRunner.Run(np, threads, c => CopyPart(parts[c], (uint*)basePtr, nEnc, nTok, nExc, encAt[c], tokAt[c], excAt[c], byteAt[c], shape));
        return block;
    }

    // One part (one thread, or encode()'s one text): no per-part bookkeeping arrays.
    private static WordBlock AssembleOne(Part part, int nEnc, bool tokens)
    {
        long nTok = part.Ids.Count, nExc = part.ExcIndex.Count, tokBytes = part.ExcBytes.Count;
        var shape = Shape.Of([part]);
        uint* p = Begin(out var block, nEnc, nTok, nExc, tokBytes, tokens, shape);
        CopyPart(part, p, nEnc, nTok, nExc, 0, 0, 0, 0, shape);
        return block;
    }

    // The block with its header, enc_start[n_enc], the compact layout's template and exc_start[n_exc] written; the
    // rest is the parts' to write.
    private static uint* Begin(out WordBlock block, long nEnc, long nTok, long nExc, long tokBytes, bool tokens, in Shape shape)
    {
        long perToken = shape.Compact ? 4 : 8, desc = shape.Compact ? shape.Words : 0;
        long words = EncodingBlock.Header + 2L * nEnc + 1 + perToken * nTok + desc + (tokens ? 2 * nExc + 1 + (tokBytes + 3) / 4 : 0);
        block = EncodingBlock.Alloc(words, clear: false);   // every word is written below
        uint* p = block.Pointer;
        p[words - 1] = 0;   // the token strings' padding, if any
        p[0] = 1; p[1] = (uint)nEnc; p[2] = (uint)nEnc; p[3] = (uint)nTok; p[4] = (tokens ? 2u : 0u) | (shape.Compact ? 4u : 0u);
        p[5] = (uint)tokBytes; p[6] = (uint)nExc; p[7] = (uint)desc;
        uint* start = p + EncodingBlock.Header;
        start[nEnc] = (uint)nTok;
        uint* tail = start + nEnc + 1 + nEnc + perToken * nTok;
        if (shape.Compact) shape.Write(tail);
        if (tokens) tail[desc + 2 * nExc] = (uint)tokBytes;   // exc_start[n_exc]
        return p;
    }

    // Part c's columns at its place in the block (see EncodingBlock for the layout; compact: ids, offset starts, offset ends, word ids).
    private static void CopyPart(Part part, uint* p, long nEnc, long nTok, long nExc, long k, long at, long x, long b, in Shape shape)
    {
        uint* start = p + EncodingBlock.Header, par = start + nEnc + 1, ids = par + nEnc;
        uint* excIndex;
        int n = part.Lengths.Count;
        new Span<uint>(par + k, n).Fill(uint.MaxValue);   // every encoding is an input: no parent
        long t = at;
        for (int i = 0; i < n; i++) { start[k + i] = (uint)t; t += part.Lengths[i]; }
        part.Ids.CopyTo(ids + at);
        if (shape.Compact)
        {
            uint* starts = ids + nTok, ends = starts + nTok, wordIds = ends + nTok;
            part.Starts.CopyTo(starts + at);
            part.Ends.CopyTo(ends + at);
            part.Words.CopyTo(wordIds + at);
            excIndex = wordIds + nTok + shape.Words;
        }
        else
        {
            part.FillConstants();
            uint* types = ids + nTok, offs = types + nTok, wordIds = offs + 2 * nTok, seqIds = wordIds + nTok;
            uint* special = seqIds + nTok, attention = special + nTok;
            part.Types.CopyTo(types + at);
            int* o = (int*)offs + 2 * at;
            for (int i = 0; i < part.Starts.Count; i++) { o[2 * i] = part.Starts[i]; o[2 * i + 1] = part.Ends[i]; }
            part.Words.CopyTo(wordIds + at);
            part.Sequences.CopyTo(seqIds + at);
            part.Special.CopyTo(special + at);
            part.Attention.CopyTo(attention + at);
            excIndex = attention + nTok;
        }
        uint* excStart = excIndex + nExc;
        byte* tokUtf8 = (byte*)(excStart + nExc + 1);
        for (int i = 0; i < part.ExcIndex.Count; i++)
        {
            excIndex[x + i] = (uint)(at + part.ExcIndex[i]);
            excStart[x + i] = (uint)(b + part.ExcStart[i]);
        }
        part.ExcBytes.CopyTo(tokUtf8 + b);
    }

    // How a block's near-constant columns are written: compact when every encoding came from the fast path, so all
    // follow one template (its special tokens around the sequence); the block then carries the template instead of
    // the type id, sequence id, special-tokens mask and attention mask of each token.
    private readonly struct Shape
    {
        public readonly bool Compact;
        private readonly uint[] _pre, _suf;
        private readonly uint _typeId;

        private Shape(bool compact, uint[] pre, uint[] suf, uint typeId) { Compact = compact; _pre = pre; _suf = suf; _typeId = typeId; }

        /// <summary>The template's words: [n_prefix, n_suffix, sequence type id, prefix type ids, suffix type ids].</summary>
        public int Words => 3 + _pre.Length + _suf.Length;

        public static Shape Of(Part[] parts)
        {
            SingleTemplate? template = null;
            bool add = false;
            foreach (var part in parts)
            {
                if (part.General) return new Shape(false, [], [], 0);
                if (part.Template != null) { template = part.Template; add = part.AddSpecial; }
            }
            if (template == null || !add) return new Shape(true, [], [], template?.TypeId ?? 0);
            var pre = new uint[template.Prefix.Length];
            for (int i = 0; i < pre.Length; i++) pre[i] = template.Prefix[i].TypeId;
            var suf = new uint[template.Suffix.Length];
            for (int i = 0; i < suf.Length; i++) suf[i] = template.Suffix[i].TypeId;
            return new Shape(true, pre, suf, template.TypeId);
        }

        public void Write(uint* at)
        {
            at[0] = (uint)_pre.Length; at[1] = (uint)_suf.Length; at[2] = _typeId;
            _pre.CopyTo(new Span<uint>(at + 3, _pre.Length));
            _suf.CopyTo(new Span<uint>(at + 3 + _pre.Length, _suf.Length));
        }
    }

    /// <summary>A growable array in native memory (freed by <see cref="Dispose"/>).</summary>
    private struct NativeList<T> where T : unmanaged
    {
        private T* _items;
        private int _capacity;

        public int Count { readonly get; private set; }

        public readonly T this[int i] => _items[i];

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public Span<T> Append(int n)
        {
            if (Count + n > _capacity) Grow(n);
            var span = new Span<T>(_items + Count, n);
            Count += n;
            return span;
        }

        private void Grow(int n)
        {
            if (Count + n > _capacity)
            {
                long want = Math.Max(Math.Max(256, (long)_capacity * 2), (long)Count + n);
                if (want > int.MaxValue) throw new OutOfMemoryException("the encode result is too large; encode in smaller batches");
                _items = (T*)NativeMemory.Realloc(_items, (nuint)(want * sizeof(T)));
                _capacity = (int)want;
            }
        }

        public void Add(T value) => Append(1)[0] = value;

        public readonly void CopyTo(void* dest) =>
            new ReadOnlySpan<T>(_items, Count).CopyTo(new Span<T>(dest, Count));

        /// <summary>Empties the list, keeping its memory.</summary>
        public void Clear() => Count = 0;

        /// <summary>Bytes held.</summary>
        public readonly long Bytes => (long)_capacity * sizeof(T);

        public void Dispose()
        {
            NativeMemory.Free(_items);
            _items = null;
            _capacity = Count = 0;
        }
    }

    // One chunk's encodings, column by column, in the order they were added.
    private sealed class Part : IDisposable
    {
        public NativeList<int> Lengths;
        public NativeList<uint> Ids, Types, Special, Attention;
        public NativeList<int> Starts, Ends, Words, Sequences;
        public NativeList<uint> ExcIndex, ExcStart;   // token index within the part, byte start within ExcBytes
        public NativeList<byte> ExcBytes;

        // The fast path's encodings write ids, offsets and word ids only: their type ids, sequence ids and masks follow
        // from Template (one per tokenizer) and AddSpecial (one per call). They are written here only when the block
        // needs them (a general-path encoding in the call); Filled counts the encodings whose columns are complete.
        public SingleTemplate? Template;
        public bool AddSpecial, General;
        private int _filled;

        // Parts kept for the next call: memory that is already mapped costs no page faults (fresh pages cost the
        // kernel a clear and a fault each, 15-20 % of a batch when every call took new memory).
        // A call makes up to 8 chunks per thread; what the pool keeps is bounded in bytes (the columns of the largest
        // recent batch, about 36 bytes per token) rather than by the number of parts alone.
        private static readonly Stack<Part> Pool = new();
        private static long s_pooledBytes;
        private const int PoolSize = 128;
        private const long MaxPooledBytes = 128L << 20;

        public static Part Rent()
        {
            lock (Pool)
                if (Pool.Count > 0)
                {
                    var part = Pool.Pop();
                    s_pooledBytes -= part.Bytes;
                    return part;
                }
            return new Part();
        }

        public static void Return(Part part)
        {
            part.Clear();
            long bytes = part.Bytes;
            lock (Pool)
                if (Pool.Count < PoolSize && s_pooledBytes + bytes <= MaxPooledBytes)
                {
                    Pool.Push(part);
                    s_pooledBytes += bytes;
                    return;
                }
            part.Dispose();
        }

        private long Bytes => Lengths.Bytes + Ids.Bytes + Types.Bytes + Special.Bytes + Attention.Bytes + Starts.Bytes + Ends.Bytes
            + Words.Bytes + Sequences.Bytes + ExcIndex.Bytes + ExcStart.Bytes + ExcBytes.Bytes;

        private void Clear()
        {
            Template = null; AddSpecial = General = false; _filled = 0;
            Lengths.Clear(); Ids.Clear(); Types.Clear(); Special.Clear(); Attention.Clear(); Starts.Clear(); Ends.Clear();
            Words.Clear(); Sequences.Clear(); ExcIndex.Clear(); ExcStart.Clear(); ExcBytes.Clear();
        }

        /// <summary>Encodes one input (with pairs[i] when present) into the part: through the fast path's scratch when it takes the text.</summary>
        public void Encode(Tokenizer tokenizer, ReadOnlySpan<byte> text, TextList? pairs, int i, in EncodeOptions options, string?[]? vocab)
        {
            bool hasPair = pairs?.Has(i) ?? false;
            if (!hasPair && tokenizer.TryEncodeFast(text, options, out var fast)) Add(fast, tokenizer, vocab);
            else Add(tokenizer.Encode(text, hasPair ? pairs!.Value[i] : default, hasPair, options), tokenizer, vocab);
        }

        /// <summary>The ids of one input (special tokens included, overflowing parts left out) and its length.</summary>
        public void EncodeIds(Tokenizer tokenizer, ReadOnlySpan<byte> text, TextList? pairs, int index, in EncodeOptions options, bool types)
        {
            bool hasPair = pairs?.Has(index) ?? false;
            if (!hasPair && tokenizer.TryEncodeIdsFast(text, options, out var fast, out var template))
            {
                ReadOnlySpan<SingleTemplate.Special> pre = options.AddSpecialTokens ? template.Prefix : default;
                ReadOnlySpan<SingleTemplate.Special> suf = options.AddSpecialTokens ? template.Suffix : default;
                int n = pre.Length + fast.Length + suf.Length;
                Lengths.Add(n);
                var ids = Ids.Append(n);
                for (int i = 0; i < pre.Length; i++) ids[i] = pre[i].Id;
                fast.CopyTo(ids[pre.Length..]);
                for (int i = 0; i < suf.Length; i++) ids[pre.Length + fast.Length + i] = suf[i].Id;
                if (!types) return;
                var t = Types.Append(n);
                for (int i = 0; i < pre.Length; i++) t[i] = pre[i].TypeId;
                t.Slice(pre.Length, fast.Length).Fill(template.TypeId);
                for (int i = 0; i < suf.Length; i++) t[pre.Length + fast.Length + i] = suf[i].TypeId;
                return;
            }
            var e = tokenizer.Encode(text, hasPair ? pairs!.Value[index] : default, hasPair, options);
            Lengths.Add(e.Length);
            CollectionsMarshal.AsSpan(e.Ids).CopyTo(Ids.Append(e.Length));
            if (types) CollectionsMarshal.AsSpan(e.TypeIds).CopyTo(Types.Append(e.Length));
        }

        // The fast path's ids, offsets and word ids, with the template's special tokens around them, as Add(Encoding)
        // writes them; the other columns are left to FillConstants.
        private void Add(in FastEncoding f, Tokenizer tokenizer, string?[]? vocab)
        {
            var pre = f.Prefix;
            var suf = f.Suffix;
            Template = f.Template; AddSpecial = f.AddSpecialTokens;
            int m = f.Ids.Length, n = f.Length, first = Ids.Count;
            Lengths.Add(n);
            var ids = Ids.Append(n);
            var starts = Starts.Append(n);
            var ends = Ends.Append(n);
            var words = Words.Append(n);
            int at = 0;
            foreach (var sp in pre) WriteSpecial(sp, at++, ids, starts, ends, words);
            f.Ids.CopyTo(ids[at..]);
            f.Starts.CopyTo(starts[at..]);
            f.Ends.CopyTo(ends[at..]);
            f.Words.CopyTo(words[at..]);
            at += m;
            foreach (var sp in suf) WriteSpecial(sp, at++, ids, starts, ends, words);
            if (vocab is null) return;
            for (int i = 0; i < pre.Length; i++) RecordString(vocab, tokenizer, first + i, pre[i].Id, pre[i].Token);
            var excAt = f.ExceptionAt;
            var excTokens = f.ExceptionTokens;
            var fids = f.Ids;
            for (int j = 0; j < excAt.Length; j++) RecordString(vocab, tokenizer, first + pre.Length + excAt[j], fids[excAt[j]], excTokens[j]);
            for (int i = 0; i < suf.Length; i++) RecordString(vocab, tokenizer, first + pre.Length + m + i, suf[i].Id, suf[i].Token);
        }

        /// <summary>Writes the type ids, sequence ids and masks of the fast path's encodings not written yet.</summary>
        public void FillConstants()
        {
            var template = Template;
            for (; _filled < Lengths.Count; _filled++)
            {
                int n = Lengths[_filled];
                var types = Types.Append(n);
                var seqs = Sequences.Append(n);
                var special = Special.Append(n);
                Attention.Append(n).Fill(1);
                ReadOnlySpan<SingleTemplate.Special> pre = AddSpecial ? template!.Prefix : default;
                ReadOnlySpan<SingleTemplate.Special> suf = AddSpecial ? template!.Suffix : default;
                int m = n - pre.Length - suf.Length;
                for (int i = 0; i < pre.Length; i++) { types[i] = pre[i].TypeId; seqs[i] = -1; special[i] = 1; }
                types.Slice(pre.Length, m).Fill(template?.TypeId ?? 0);
                seqs.Slice(pre.Length, m).Clear();
                special.Slice(pre.Length, m).Clear();
                for (int i = 0; i < suf.Length; i++) { int k = pre.Length + m + i; types[k] = suf[i].TypeId; seqs[k] = -1; special[k] = 1; }
            }
        }

        private static void WriteSpecial(in SingleTemplate.Special sp, int at, Span<uint> ids, Span<int> starts, Span<int> ends,
            Span<int> words)
        {
            ids[at] = sp.Id; starts[at] = 0; ends[at] = 0; words[at] = -1;
        }

        // Records token `index`'s string when it is not the vocabulary entry of its id.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private void RecordString(string?[] vocab, Tokenizer tokenizer, int index, uint id, string s)
        {
            if (id < (uint)vocab.Length && ReferenceEquals(vocab[id], s)) return;
            if (EncodingBlock.IsVocab(vocab, tokenizer, id, s)) return;
            ExcIndex.Add((uint)index);
            ExcStart.Add((uint)ExcBytes.Count);
            int len = System.Text.Encoding.UTF8.GetByteCount(s);
            System.Text.Encoding.UTF8.GetBytes(s, ExcBytes.Append(len));
        }

        public void Add(TokEncoding e, Tokenizer tokenizer, string?[]? vocab)
        {
            if (e.HasOverflowing) throw new InvalidOperationException("an encoding overflowed without truncation");
            FillConstants();
            General = true;
            _filled++;
            int n = e.Length, first = Ids.Count;
            Lengths.Add(n);
            CollectionsMarshal.AsSpan(e.Ids).CopyTo(Ids.Append(n));
            CollectionsMarshal.AsSpan(e.TypeIds).CopyTo(Types.Append(n));
            var offsets = CollectionsMarshal.AsSpan(e.Offsets);
            var dStart = Starts.Append(n);
            var dEnd = Ends.Append(n);
            for (int i = 0; i < n; i++) (dStart[i], dEnd[i]) = offsets[i];
            CollectionsMarshal.AsSpan(e.WordIds).CopyTo(Words.Append(n));
            e.WriteSequenceIds(Sequences.Append(n));
            var sp = CollectionsMarshal.AsSpan(e.SpecialTokensMask);
            var at = CollectionsMarshal.AsSpan(e.AttentionMask);
            var dSp = Special.Append(n);
            var dAt = Attention.Append(n);
            for (int i = 0; i < n; i++) { dSp[i] = sp[i]; dAt[i] = at[i]; }
            if (vocab is null) return;
            if (e.Tokens.Count != n) throw new InvalidOperationException("the encoding has no token strings");
            var ids = CollectionsMarshal.AsSpan(e.Ids);
            for (int i = 0; i < n; i++)
            {
                string s = e.Tokens[i];
                if (EncodingBlock.IsVocab(vocab, tokenizer, ids[i], s)) continue;
                ExcIndex.Add((uint)(first + i));
                ExcStart.Add((uint)ExcBytes.Count);
                int len = System.Text.Encoding.UTF8.GetByteCount(s);
                System.Text.Encoding.UTF8.GetBytes(s, ExcBytes.Append(len));
            }
        }

        public void Dispose()
        {
            Lengths.Dispose(); Ids.Dispose(); Types.Dispose(); Special.Dispose(); Attention.Dispose();
            Starts.Dispose(); Ends.Dispose(); Words.Dispose(); Sequences.Dispose(); ExcIndex.Dispose(); ExcStart.Dispose(); ExcBytes.Dispose();
        }
    }
}

/// <summary>
/// The caller's texts, read in place: text i is lens[i] bytes at texts[i], the caller keeps every one alive and
/// unchanged for the call (both Python backends pass immutable UTF-8 they hold). With flags, text i is present only
/// where flags[i] != 0 (a batch's pairs).
/// </summary>
internal readonly unsafe struct TextList
{
    private readonly nint _texts, _lens, _flags;

    /// <summary>Checks every entry as the copies did (null or negative length, over 2 GiB).</summary>
    public TextList(byte** texts, long* lens, long n, byte* flags, string what)
    {
        if (n < 0 || n > int.MaxValue || (n > 0 && (texts == null || lens == null))) throw new ArgumentException($"invalid {what}");
        for (long i = 0; i < n; i++)
        {
            if (lens[i] < 0 || (texts[i] == null && lens[i] != 0)) throw new ArgumentException($"invalid {what}[{i}] (null or negative length)");
            if (lens[i] > int.MaxValue) throw new ArgumentException($"{what}[{i}] of {lens[i]} bytes is over the 2 GiB limit");
        }
        _texts = (nint)texts; _lens = (nint)lens; _flags = (nint)flags; Count = (int)n;
    }

    /// <summary>The number of entries.</summary>
    public int Count { get; }

    /// <summary>Text i (empty where absent).</summary>
    public ReadOnlySpan<byte> this[int i] => Has(i) ? new(((byte**)_texts)[i], (int)((long*)_lens)[i]) : default;

    /// <summary>Whether text i is present.</summary>
    public bool Has(int i) => _flags == 0 || ((byte*)_flags)[i] != 0;

    /// <summary>The byte length of text i (0 where absent).</summary>
    public int Length(int i) => Has(i) ? (int)((long*)_lens)[i] : 0;

    /// <summary>Copies, for the paths that take arrays (empty where absent).</summary>
    public byte[][] ToArrays()
    {
        var r = new byte[Count][];
        for (int i = 0; i < Count; i++) r[i] = this[i].ToArray();
        return r;
    }
}
