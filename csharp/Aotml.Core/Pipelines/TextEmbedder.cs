using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Aotml.Numerics;
using Aotml.Onnx;
using Aotml.Tokenization;

namespace Aotml.Pipelines;

/// <summary>What one <see cref="TextEmbedder.Embed"/> call did beyond writing the vectors.</summary>
/// <param name="Truncated">How many texts were longer than max_length tokens and were cut.</param>
/// <param name="Batches">How many model runs the call made.</param>
public readonly record struct EmbedReport(int Truncated, int Batches);

/// <summary>
/// Texts to sentence vectors in one call: tokenize (in parallel) → group texts of similar length into batches →
/// run the model → pool the token vectors under the attention mask → L2-normalize → rows in the caller's order.
/// Immutable after construction: any number of threads may embed with one instance (ORT sessions allow concurrent runs).
/// </summary>
public sealed unsafe class TextEmbedder
{
    private readonly int _ids, _mask = -1, _types = -1, _output;
    private readonly bool _int32;

    /// <summary>
    /// Checks that <paramref name="session"/> is a text encoder <paramref name="tokenizer"/> can feed: inputs named
    /// input_ids (required), attention_mask and token_type_ids, all int64 or all int32 tensors of rank 2, and nothing
    /// else required; an output of rank 3 (token vectors) of float. Then runs it once on max_length copies of the
    /// tokenizer's largest id, which shows that the vocabulary fits the model's embedding table, that the model takes
    /// sequences of max_length, and the vectors' dimension.
    /// </summary>
    public TextEmbedder(Tokenizer tokenizer, InferenceSession session, PoolingMode pooling, bool normalize, int maxLength)
    {
        Tokenizer = tokenizer; Session = session; Pooling = pooling; Normalize = normalize;
        if (maxLength < 1) throw new ArgumentException($"max_length must be at least 1, got {maxLength}");
        int special = tokenizer.PostProcessor?.AddedTokens(false) ?? 0;
        if (maxLength <= special)
            throw new ArgumentException($"max_length {maxLength} leaves no room for text: the tokenizer adds {special} special tokens to each sequence");
        MaxLength = maxLength;

        _ids = -1;
        ElementType? idType = null;
        for (int i = 0; i < session.Inputs.Length; i++)
        {
            var arg = session.Inputs[i];
            ref int slot = ref _ids;
            switch (arg.Name)
            {
                case "input_ids": break;
                case "attention_mask": slot = ref _mask; break;
                case "token_type_ids": slot = ref _types; break;
                default:
                    if (arg.Kind == ValueKind.Optional) continue;
                    throw NotATextEncoder($"it requires input '{arg.Name}', which a text embedder cannot feed");
            }
            if (!arg.TakesTensor || arg.ElementType is not (ElementType.Int64 or ElementType.Int32) || arg.Dims is { Length: not 2 })
                throw NotATextEncoder($"input '{arg.Describe()}' is not an int64 or int32 tensor [batch, sequence]");
            if (idType is { } t && t != arg.ElementType)
                throw NotATextEncoder("its inputs mix int32 and int64; a text embedder feeds them one type");
            idType = arg.ElementType;
            slot = i;
        }
        if (_ids < 0) throw NotATextEncoder("it has no input named 'input_ids'");
        _int32 = idType == ElementType.Int32;
        _output = Array.FindIndex(session.Outputs, o => o.TakesTensor && o.ElementType == ElementType.Float && o.Dims is { Length: 3 });
        if (_output < 0) throw NotATextEncoder("it has no float output of rank 3 (token vectors [batch, sequence, dim])");

        Dimension = Probe(tokenizer.GetVocabSize(true));
    }

    /// <summary>The tokenizer.</summary>
    public Tokenizer Tokenizer { get; }
    /// <summary>The model.</summary>
    public InferenceSession Session { get; }
    /// <summary>How token vectors are pooled.</summary>
    public PoolingMode Pooling { get; }
    /// <summary>Whether vectors are L2-normalized.</summary>
    public bool Normalize { get; }
    /// <summary>The most tokens (special ones included) a text keeps; the rest is cut.</summary>
    public int MaxLength { get; }
    /// <summary>The length of each vector.</summary>
    public int Dimension { get; }
    /// <summary>The name of the output whose token vectors are pooled.</summary>
    public string OutputName => Session.Outputs[_output].Name;

    private ArgumentException NotATextEncoder(string why) => new(
        $"the model is not a text encoder this embedder can drive: {why}. Its inputs are: " +
        string.Join("; ", Session.Inputs.Select(a => a.Describe())) + "; its outputs: " + string.Join("; ", Session.Outputs.Select(a => a.Describe())));

    private int Probe(int vocab)
    {
        var ids = new long[MaxLength];
        Array.Fill(ids, Math.Max(vocab - 1, 0));
        var mask = new long[MaxLength];
        Array.Fill(mask, 1L);
        try
        {
            return Run(ids, mask, new long[MaxLength], 1, MaxLength, null, (hidden, dim) => { });
        }
        catch (OnnxRuntimeException e)
        {
            throw new ArgumentException(
                $"the model fails on a sequence of max_length={MaxLength} copies of the tokenizer's largest id ({vocab - 1}): " +
                "either the tokenizer's vocabulary is larger than the model's embedding table (are they from the same model?) " +
                $"or the model does not take sequences that long (lower max_length). ONNX Runtime says: {e.Message}", e);
        }
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> (UTF-8) into <paramref name="dst"/> ([texts.Count, Dimension], row i for text
    /// i), running at most <paramref name="batchSize"/> texts per model run. <paramref name="progress"/>, when given,
    /// is called after each batch with the number of texts done. <paramref name="cancel"/> is checked between batches
    /// and terminates a running batch; it ends the call with OperationCanceledException.
    /// </summary>
    public EmbedReport Embed(IReadOnlyList<byte[]> texts, Span<float> dst, int batchSize, int threads,
        CancellationToken cancel = default, Action<int>? progress = null)
    {
        if (batchSize < 1) throw new ArgumentException($"batch_size must be at least 1, got {batchSize}");
        if ((long)texts.Count * Dimension != dst.Length)
            throw new ArgumentException($"the output has {dst.Length} elements, expected {texts.Count} × {Dimension}");
        var options = new EncodeOptions { AddSpecialTokens = true, Truncation = new TruncationParams(MaxLength) };
        var encodings = Tokenizer.EncodeBatch(texts, null, options, Math.Max(threads, 1), cancel);
        int truncated = 0;
        foreach (var e in encodings) if (e.Overflowing.Count > 0) truncated++;

        // Longest first, so that a batch pads to the length of its own longest text and a too-large batch fails early.
        var order = new int[encodings.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var lengths = encodings.Select(e => e.Length).ToArray();
        Array.Sort(order, (a, b) => lengths[a] != lengths[b] ? lengths[b].CompareTo(lengths[a]) : a.CompareTo(b));

        using var runOptions = new RunOptions();
        using var stop = cancel.CanBeCanceled ? cancel.Register(() => runOptions.Terminate = true) : default;
        int done = 0, batches = 0;
        var output = dst;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            cancel.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, order.Length - start);
            int seq = Math.Max(lengths[order[start]], 1);
            var ids = new long[n * seq];
            var mask = new long[n * seq];
            var types = new long[n * seq];
            for (int r = 0; r < n; r++)
            {
                var e = encodings[order[start + r]];
                for (int t = 0; t < e.Length; t++)
                {
                    ids[r * seq + t] = e.Ids[t];
                    mask[r * seq + t] = e.AttentionMask[t];
                    types[r * seq + t] = e.TypeIds[t];
                }
            }
            var rows = order.AsSpan(start, n).ToArray();
            fixed (float* outBase = output)
            {
                var basePtr = outBase;
                int dim = Dimension;
                Run(ids, mask, types, n, seq, runOptions, (hidden, d) =>
                {
                    if (d != dim) throw new InvalidOperationException($"the model returned vectors of {d} values, {dim} before");
                    for (int r = 0; r < n; r++)
                    {
                        var row = new Span<float>(basePtr + (long)rows[r] * dim, dim);
                        Numerics.Pooling.Row<float, long>(Pooling, hidden.Slice(r * seq * dim, seq * dim), mask.AsSpan(r * seq, seq), row, dim);
                        if (Normalize) TensorPrimitives.Divide(row, MathF.Max(TensorPrimitives.Norm(row), 1e-12f), row);
                    }
                });
            }
            batches++;
            done += n;
            progress?.Invoke(done);
        }
        return new EmbedReport(truncated, batches);
    }

    private delegate void HiddenSink(ReadOnlySpan<float> hidden, int dim);

    // One model run over [n, seq] inputs; hands the token vectors to sink and returns their dimension.
    private int Run(long[] ids, long[] mask, long[] types, int n, int seq, RunOptions? runOptions, HiddenSink sink)
    {
        var inputs = new List<(int Index, long[] Data)> { (_ids, ids) };
        if (_mask >= 0) inputs.Add((_mask, mask));
        if (_types >= 0) inputs.Add((_types, types));
        Span<long> shape = [n, seq];
        var index = new int[inputs.Count];
        var values = new nint[inputs.Count];
        var handles = new List<GCHandle>();
        nint result = 0;
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                index[i] = inputs[i].Index;
                Array data = _int32 ? Array.ConvertAll(inputs[i].Data, v => checked((int)v)) : inputs[i].Data;
                var h = GCHandle.Alloc(data, GCHandleType.Pinned);
                handles.Add(h);
                values[i] = Value.CreateOver((void*)h.AddrOfPinnedObject(), (long)n * seq * (_int32 ? 4 : 8), shape,
                    _int32 ? ElementType.Int32 : ElementType.Int64);
            }
            Span<nint> outputs = [0];
            Session.Run(runOptions, index, values, [_output], outputs);
            result = outputs[0];
            var d = Value.Describe(result);
            if (d.ElementType != ElementType.Float || d.Rank != 3 || d.Shape[0] != n || d.Shape[1] != seq)
                throw new InvalidOperationException($"output '{OutputName}' came back with {d.Rank} dimensions of type {d.ElementType}, expected float [{n}, {seq}, dim]");
            int dim = checked((int)d.Shape[2]);
            sink(new ReadOnlySpan<float>(d.Data, checked((int)d.ElementCount)), dim);
            return dim;
        }
        finally
        {
            Value.Release(result);
            foreach (var v in values) Value.Release(v);
            foreach (var h in handles) h.Free();
        }
    }
}
