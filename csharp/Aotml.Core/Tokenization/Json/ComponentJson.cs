using System.Text.Json;
using Aotml.Text;
using Aotml.Tokenization.Models.Bpe;
using Aotml.Tokenization.Models.Unigram;
using Aotml.Tokenization.Models.WordLevel;
using Aotml.Tokenization.Models.WordPiece;

namespace Aotml.Tokenization.Json;

/// <summary>
/// The "type" switches of tokenizer.json: one entry point per stage, null for a JSON null. The models are read here;
/// normalizers, pre-tokenizers, post-processors and decoders are read by their stage's factory
/// (NormalizerFactory.Create, PreTokenizerFactory.Create, PostProcessorFactory.Create, DecoderFactory.Create), which
/// this file calls once the component folders are in the tree. Until then the switches below are stand-ins that
/// know only WhitespaceSplit, enough for the pipeline's own tests; every other type is reported as unknown.
/// </summary>
public static class ComponentJson
{
    /// <summary>The "type" of a component object.</summary>
    public static string TypeOf(JsonElement e, string path)
    {
        JsonRead.RequireObject(e, path);
        return JsonRead.String(e, "type", path);
    }

    private static ConfigurationException Unknown(string stage, string type, string path) =>
        new($"{path}.type: unknown {stage} type {JsonRead.Quote(type)}");

    /// <summary>The normalizer of <c>$.normalizer</c>.</summary>
    public static INormalizer? Normalizer(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = TypeOf(e, path);
        throw Unknown("normalizer", type, path);
    }

    /// <summary>The pre-tokenizer of <c>$.pre_tokenizer</c>.</summary>
    public static IPreTokenizer? PreTokenizer(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = TypeOf(e, path);
        return type switch
        {
            "WhitespaceSplit" => new WhitespaceSplitStandIn(),
            _ => throw Unknown("pre-tokenizer", type, path),
        };
    }

    /// <summary>The post-processor of <c>$.post_processor</c>.</summary>
    public static IPostProcessor? PostProcessor(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = TypeOf(e, path);
        throw Unknown("post-processor", type, path);
    }

    /// <summary>The decoder of <c>$.decoder</c>.</summary>
    public static IDecoder? Decoder(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = TypeOf(e, path);
        throw Unknown("decoder", type, path);
    }

    /// <summary>
    /// The model of <c>$.model</c>. Without a "type" the model is recognised by its fields, as HF's untagged
    /// fallback does: merges → BPE, a vocab array → Unigram, a continuing-subword prefix → WordPiece, else WordLevel.
    /// </summary>
    public static IModel Model(JsonElement e, string path)
    {
        JsonRead.RequireObject(e, path);
        string type;
        if (e.TryGetProperty("type", out var t))
            type = t.ValueKind == JsonValueKind.String ? t.GetString()! : throw new ConfigurationException($"{path}.type: expected a string, got {JsonRead.Kind(t)}");
        else if (e.TryGetProperty("merges", out _)) type = "BPE";
        else if (e.TryGetProperty("vocab", out var v) && v.ValueKind == JsonValueKind.Array) type = "Unigram";
        else if (e.TryGetProperty("max_input_chars_per_word", out _)) type = "WordPiece";
        else type = "WordLevel";
        return type switch
        {
            "BPE" => BpeModel.FromJson(e, path),
            "WordPiece" => WordPieceModel.FromJson(e, path),
            "WordLevel" => WordLevelModel.FromJson(e, path),
            "Unigram" => UnigramModel.FromJson(e, path),
            _ => throw Unknown("model", type, path),
        };
    }

    // Splits on White_Space runs, keeping the rest; HF's WhitespaceSplit for the pipeline's own tests.
    private sealed class WhitespaceSplitStandIn : IPreTokenizer
    {
        public void PreTokenize(PreTokenizedString text) => text.Split((_, piece) =>
        {
            var parts = new List<NormalizedString>();
            var s = piece.NormalizedUtf8;
            int start = -1;
            for (int i = 0; i <= s.Length;)
            {
                int len = 1;
                bool space = i == s.Length || Text.Normalization.Ucd.IsWhiteSpace(Utf8.Decode(s, i, out len));
                if (space && start >= 0) { parts.Add(piece.Slice(OffsetReferential.Normalized, start, i)!); start = -1; }
                else if (!space && start < 0) start = i;
                i += i == s.Length ? 1 : len;
            }
            return parts;
        });

        public void WriteJson(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("type", "WhitespaceSplit");
            w.WriteEndObject();
        }
    }
}
