using System.Text.Json;
using Aotml.Tokenization.Decoders;
using Aotml.Tokenization.Models.Bpe;
using Aotml.Tokenization.Models.Unigram;
using Aotml.Tokenization.Models.WordLevel;
using Aotml.Tokenization.Models.WordPiece;
using Aotml.Tokenization.Normalizers;
using Aotml.Tokenization.PostProcessors;
using Aotml.Tokenization.PreTokenizers;

namespace Aotml.Tokenization.Json;

/// <summary>
/// The "type" switches of tokenizer.json: one entry point per stage, null for a JSON null. The models are read here;
/// normalizers, pre-tokenizers, post-processors and decoders are read by their stage's factory
/// (NormalizerFactory.Create, PreTokenizerFactory.Create, PostProcessorFactory.Create, DecoderFactory.Create), each
/// reporting an unknown type with its JSON path.
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
    public static INormalizer? Normalizer(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Null ? null : NormalizerFactory.Create(TypeOf(e, path), e, path);

    /// <summary>The pre-tokenizer of <c>$.pre_tokenizer</c>.</summary>
    public static IPreTokenizer? PreTokenizer(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Null ? null : PreTokenizerFactory.Create(TypeOf(e, path), e, path);

    /// <summary>The post-processor of <c>$.post_processor</c>.</summary>
    public static IPostProcessor? PostProcessor(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Null ? null : PostProcessorFactory.Create(TypeOf(e, path), e, path);

    /// <summary>The decoder of <c>$.decoder</c>.</summary>
    public static IDecoder? Decoder(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Null ? null : DecoderFactory.Create(TypeOf(e, path), e, path);

    /// <summary>
    /// The model of <c>$.model</c>. Without a "type" the model is recognised by its fields, as HF's untagged
    /// fallback does: merges → BPE, a vocab array → Unigram, a continuing-subword prefix → WordPiece, else WordLevel.
    /// </summary>
    public static IModel Model(JsonElement e, string path) => Model(e, path, default);

    /// <summary><see cref="Model(JsonElement, string)"/> of a BPE whose vocab and merges lie in <paramref name="large"/>.</summary>
    internal static IModel Model(JsonElement e, string path, scoped in LargeParts large)
    {
        if (large.Found)
        {
            JsonRead.RequireObject(e, path);
            if (!(e.TryGetProperty("type", out var bpe) && bpe.ValueKind == JsonValueKind.String && bpe.ValueEquals("BPE"u8)))
                throw new LargeParts.Decline();
            return BpeModel.FromJson(e, path, large);
        }
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
            "BPE" => BpeModel.FromJson(e, path, default),
            "WordPiece" => WordPieceModel.FromJson(e, path),
            "WordLevel" => WordLevelModel.FromJson(e, path),
            "Unigram" => UnigramModel.FromJson(e, path),
            _ => throw Unknown("model", type, path),
        };
    }
}
