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

    /// <summary>Encodes every text to ids: flat ids and n + 1 offsets.</summary>
    public static (uint[] Ids, long[] Offsets) EncodeIds(SpModel model, TextAt text, int n, SpEncodeOptions options, int threads)
    {
        var perText = new uint[n][];
        Run(n, text, threads, (lo, hi) =>
        {
            var norm = new ArrayBufferWriter<byte>(256);
            var tokens = new List<SpToken>();
            for (int i = lo; i < hi; i++)
            {
                model.Encode(text(i), options, norm, tokens);
                var ids = new uint[tokens.Count];
                for (int k = 0; k < ids.Length; k++) ids[k] = (uint)tokens[k].Id;
                perText[i] = ids;
            }
        });
        var offsets = new long[n + 1];
        for (int i = 0; i < n; i++) offsets[i + 1] = offsets[i] + perText[i].Length;
        var flat = new uint[offsets[n]];
        for (int i = 0; i < n; i++) perText[i].CopyTo(flat, offsets[i]);
        return (flat, offsets);
    }

    /// <summary>Encodes every text to pieces: a JSON list of lists of strings. emitUnkPiece writes the unknown
    /// piece itself instead of the unknown text.</summary>
    public static byte[] EncodePiecesJson(SpModel model, TextAt text, int n, SpEncodeOptions options, bool emitUnkPiece, int threads)
    {
        var parts = new byte[n][];
        Run(n, text, threads, (lo, hi) =>
        {
            var norm = new ArrayBufferWriter<byte>(256);
            var tokens = new List<SpToken>();
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

    private static void Run(int n, TextAt text, int threads, Action<int, int> work)
    {
        var sizes = new long[n];
        for (int i = 0; i < n; i++) sizes[i] = text(i).Length + 16;
        var bounds = BatchRunner.Plan(sizes, ref threads);
        BatchRunner.Run(bounds.Length - 1, threads, c => work(bounds[c], bounds[c + 1]));
    }
}
