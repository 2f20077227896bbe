using System.Runtime.InteropServices;
using Aotml.Numerics;
using Aotml.Onnx;
using Aotml.Pipelines;
using Aotml.Tokenization;
using static Aotml.Native.BufferChecks;

namespace Aotml.Native.Exports;

/// <summary>The text embedding pipeline: a tokenizer and a session joined into one object, and its one-call embed.</summary>
internal static unsafe class Pipelines
{
    /// <summary>
    /// int32_t aotml_embedder_new(void* tokenizer, void* session, int32_t pooling, int32_t normalize,
    /// int32_t max_length, void** out): pooling 0 mean, 1 CLS, 2 max. Checks the model and runs it once (see TextEmbedder).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_embedder_new")]
    public static int New(nint tokenizer, nint session, int pooling, int normalize, int maxLength, nint* result)
    {
        try
        {
            if (result == null) throw new ArgumentNullException("out");
            if (pooling is < 0 or > 2) throw new ArgumentException($"unknown pooling mode {pooling}; expected 0 (mean), 1 (cls) or 2 (max)");
            var embedder = new TextEmbedder(Handles.Get<Tokenizer>(tokenizer), Handles.Get<InferenceSession>(session),
                (PoolingMode)pooling, normalize != 0, maxLength);
            *result = Handles.New(embedder);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_embedder_info(void* embedder, int64_t* dimension): the length of each vector.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_embedder_info")]
    public static int Info(nint embedder, long* dimension)
    {
        try
        {
            if (dimension == null) throw new ArgumentNullException(nameof(dimension));
            *dimension = Handles.Get<TextEmbedder>(embedder).Dimension;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_embedder_embed(void* embedder, texts, int32_t batch_size, int32_t num_threads, void* cancel,
    /// const aotml_buffer* progress, const aotml_buffer* out, int64_t* truncated): row i of out (float32
    /// [n_texts, dimension]) is text i's vector; progress (an int64 buffer, may be NULL) holds the number of texts done
    /// after each batch; *truncated is how many texts were cut at max_length.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_embedder_embed")]
    public static int Embed(nint embedder, byte** texts, long* lens, long n, int batchSize, int threads, nint cancel,
        AotmlBuffer* progress, AotmlBuffer* o, long* truncated)
    {
        try
        {
            if (truncated == null) throw new ArgumentNullException(nameof(truncated));
            var e = Handles.Get<TextEmbedder>(embedder);
            if (n < 1) throw new ArgumentException("texts is empty; pass at least one text");
            if (batchSize < 1) throw new ArgumentException($"batch_size must be at least 1, got {batchSize}");
            if (o == null) throw new ArgumentException("out is missing");
            if (o->ReadOnly != 0) throw new ArgumentException("out is read-only; pass a writable array");
            if (FloatDType(o, "out") != DType.Float32) throw new ArgumentException("out must be float32");
            if (o->NDim != 2 || o->Shape[0] != n || o->Shape[1] != e.Dimension || !IsCContiguous(o))
                throw new ArgumentException($"out must be a C-contiguous float32 array of shape ({n}, {e.Dimension})");
            long* done = null;
            if (progress != null)
            {
                string f = FormatOf(progress).TrimStart('@', '=', '<');
                if (f is not ("q" or "l") || progress->ItemSize != 8 || Count(progress) < 1 || progress->ReadOnly != 0 || !IsCContiguous(progress))
                    throw new ArgumentException("progress must be a writable int64 buffer of at least one element");
                done = (long*)progress->Data;
            }
            var copies = new byte[n][];
            for (long i = 0; i < n; i++)
            {
                if (lens[i] < 0 || (texts[i] == null && lens[i] != 0)) throw new ArgumentException($"invalid texts[{i}]");
                copies[i] = new ReadOnlySpan<byte>(texts[i], (int)lens[i]).ToArray();
            }
            var token = cancel == 0 ? default : Handles.Get<CancellationTokenSource>(cancel).Token;
            Action<int>? report = done == null ? null : k => Volatile.Write(ref *done, k);
            var r = e.Embed(copies, Span<float>(o), batchSize, threads, token, report);
            *truncated = r.Truncated;
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }
}
