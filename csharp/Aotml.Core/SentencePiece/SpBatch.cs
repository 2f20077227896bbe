using System.Buffers;
using System.Text.Json;
using Aotml.Tokenization;

namespace Aotml.SentencePiece;

/// <summary>Batch encoding over <see cref="BatchRunner"/>: ids as one flat array, or pieces as JSON.</summary>
public static class SpBatch
{
    /// <summary>A text of the batch by index (the caller keeps the memory alive for the call).</summary>
    public delegate ReadOnlySpan<byte> TextAt(int index);

    /// <summary>Unescaped non-ASCII: the reader is Python's json module, not a browser.</summary>
    public static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Per-thread scratch of one encoding: the normalized text and its tokens.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_norm;
    [ThreadStatic] private static List<SpToken>? t_tokens;

    private static (ArrayBufferWriter<byte> Norm, List<SpToken> Tokens) Scratch()
    {
        var norm = t_norm ??= new ArrayBufferWriter<byte>(256);
        var tokens = t_tokens ??= [];
        return (norm, tokens);
    }

    /// <summary>Encodes one text with this thread's scratch; the tokens stay valid until the thread's next call.</summary>
    public static List<SpToken> EncodeOne(SpModel model, ReadOnlySpan<byte> text, in SpEncodeOptions options)
    {
        var (norm, tokens) = Scratch();
        model.Encode(text, options, norm, tokens);
        return tokens;
    }

    /// <summary>Encodes every text to ids: flat ids and n + 1 offsets.</summary>
    public static (uint[] Ids, long[] Offsets) EncodeIds(SpModel model, TextAt text, int n, SpEncodeOptions options, int threads)
    {
        var offsets = new long[n + 1];
        if (n == 1 || threads == 1)
        {
            // One thread: no plan, no hand-over; ids go straight into one growing list.
            var (norm, tokens) = Scratch();
            var all = new List<uint>(n * 16);
            for (int i = 0; i < n; i++)
            {
                model.Encode(text(i), options, norm, tokens);
                foreach (var t in tokens) all.Add((uint)t.Id);
                offsets[i + 1] = all.Count;
            }
            return (all.ToArray(), offsets);
        }
        var counts = new int[n];
        var chunkIds = new List<uint>?[n];  // indexed by the chunk's first text
        Run(model, n, text, threads, (lo, hi) =>
        {
            var (norm, tokens) = Scratch();
            var ids = new List<uint>((hi - lo) * 16);
            for (int i = lo; i < hi; i++)
            {
                model.Encode(text(i), options, norm, tokens);
                foreach (var t in tokens) ids.Add((uint)t.Id);
                counts[i] = tokens.Count;
            }
            if (hi > lo) chunkIds[lo] = ids;
        });
        for (int i = 0; i < n; i++) offsets[i + 1] = offsets[i] + counts[i];
        var flat = new uint[offsets[n]];
        for (int i = 0; i < n; i++)
            if (chunkIds[i] is { } ids) System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids).CopyTo(flat.AsSpan((int)offsets[i]));
        return (flat, offsets);
    }

    /// <summary>Encodes every text to pieces: a JSON list of lists of strings. emitUnkPiece writes the unknown
    /// piece itself instead of the unknown text.</summary>
    public static byte[] EncodePiecesJson(SpModel model, TextAt text, int n, SpEncodeOptions options, bool emitUnkPiece, int threads)
    {
        var parts = new byte[n][];
        Run(model, n, text, threads, (lo, hi) =>
        {
            var (norm, tokens) = Scratch();
            var buf = new ArrayBufferWriter<byte>(256);
            for (int i = lo; i < hi; i++)
            {
                buf.ResetWrittenCount();
                using (var w = new Utf8JsonWriter(buf, JsonOptions))
                {
                    model.Encode(text(i), options, norm, tokens);
                    WritePieces(w, model, norm.WrittenSpan, tokens, emitUnkPiece);
                }
                parts[i] = buf.WrittenSpan.ToArray();
            }
        });
        var all = new ArrayBufferWriter<byte>();
        all.Write("["u8);
        for (int i = 0; i < n; i++)
        {
            if (i > 0) all.Write(","u8);
            all.Write(parts[i]);
        }
        all.Write("]"u8);
        return all.WrittenSpan.ToArray();
    }

    /// <summary>Writes the pieces of one encoding as a JSON array of strings.</summary>
    public static void WritePieces(Utf8JsonWriter w, SpModel model, ReadOnlySpan<byte> norm, List<SpToken> tokens, bool emitUnkPiece)
    {
        w.WriteStartArray();
        foreach (var t in tokens)
        {
            if (t.Length < 0 || (emitUnkPiece && t.Id == model.UnkId)) w.WriteStringValue(model.Piece(t.Id).Utf8);
            else w.WriteStringValue(norm.Slice(t.Start, t.Length));
        }
        w.WriteEndArray();
    }

    private static void Run(SpModel model, int n, TextAt text, int threads, Action<int, int> work)
    {
        var sizes = new long[n];
        for (int i = 0; i < n; i++) sizes[i] = text(i).Length + 16;
        var bounds = BatchRunner.Plan(sizes, ref threads);
        int caller = Environment.CurrentManagedThreadId;
        BatchRunner.Run(bounds.Length - 1, threads, c =>
        {
            work(bounds[c], bounds[c + 1]);
            // Batch threads end with the call: their warm segment caches go to the next call's threads.
            if (Environment.CurrentManagedThreadId != caller) model.ParkCache();
        });
    }
}
