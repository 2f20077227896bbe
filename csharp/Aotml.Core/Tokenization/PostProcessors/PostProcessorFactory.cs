using System.Text.Json;

namespace Aotml.Tokenization.PostProcessors;

/// <summary>The post-processor "type" switch of tokenizer.json.</summary>
public static class PostProcessorFactory
{
    /// <summary>The post-processor of the object <paramref name="e"/> at <paramref name="path"/>, by its "type".</summary>
    public static IPostProcessor Create(JsonElement e, string path) => Create(JsonFields.Type(e, path), e, path);

    /// <summary>The post-processor of type <paramref name="type"/> described by <paramref name="e"/>.</summary>
    public static IPostProcessor Create(string type, JsonElement e, string path) => type switch
    {
        "RobertaProcessing" => RobertaProcessing.FromJson(e, path),
        "BertProcessing" => BertProcessing.FromJson(e, path),
        "ByteLevel" => ByteLevelProcessing.FromJson(e, path),
        "TemplateProcessing" => TemplateProcessing.FromJson(e, path),
        "Sequence" => SequenceProcessing.FromJson(e, path),
        _ => throw new ConfigurationException($"{path}.type: unknown post-processor type \"{type}\""),
    };

    /// <summary>Writes a post-processor built by this factory.</summary>
    public static void Write(Utf8JsonWriter w, IPostProcessor p)
    {
        switch (p)
        {
            case RobertaProcessing x: x.WriteJson(w); break;
            case BertProcessing x: x.WriteJson(w); break;
            case ByteLevelProcessing x: x.WriteJson(w); break;
            case TemplateProcessing x: x.WriteJson(w); break;
            case SequenceProcessing x: x.WriteJson(w); break;
            default: throw new ArgumentException($"{p.GetType().Name} has no tokenizer.json form", nameof(p));
        }
    }
}
