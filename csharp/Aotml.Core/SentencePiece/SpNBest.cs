using System.Buffers;
using System.Text.Json;

namespace Aotml.SentencePiece;

/// <summary>n-best encoding results as JSON: [[ids], [pieces], score] per segmentation, best first.</summary>
public static class SpNBest
{
    /// <summary>The <paramref name="n"/> best encodings of <paramref name="text"/>.</summary>
    public static byte[] Json(SpModel model, ReadOnlySpan<byte> text, int n, bool emitUnkPiece) =>
        Write(model, model.Normalizer.Normalize(text), null, n, 0, emitUnkPiece);

    /// <summary><paramref name="n"/> segmentations of <paramref name="text"/> sampled with replacement, each with
    /// its log-probability.</summary>
    public static byte[] SampledJson(SpModel model, ReadOnlySpan<byte> text, int n, float alpha, bool emitUnkPiece) =>
        Write(model, model.Normalizer.Normalize(text), true, n, alpha, emitUnkPiece);

    private static byte[] Write(SpModel model, byte[] norm, bool? sample, int n, float alpha, bool emitUnkPiece)
    {
        var buf = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buf, SpBatch.JsonOptions))
        {
            w.WriteStartArray();
            foreach (var (segments, score) in sample == true ? model.SampleWithScores(norm, n, alpha) : model.NBest(norm, n))
            {
                var tokens = model.Populate(norm, segments);
                w.WriteStartArray();
                w.WriteStartArray();
                foreach (var t in tokens) w.WriteNumberValue(t.Id);
                w.WriteEndArray();
                SpBatch.WritePieces(w, model, norm, tokens, emitUnkPiece);
                w.WriteNumberValue((float)score);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        return buf.WrittenSpan.ToArray();
    }
}
