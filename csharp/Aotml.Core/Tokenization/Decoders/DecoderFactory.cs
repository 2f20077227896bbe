using System.Text.Json;

namespace Aotml.Tokenization.Decoders;

/// <summary>The decoder "type" switch of tokenizer.json.</summary>
public static class DecoderFactory
{
    /// <summary>The decoder of the object <paramref name="e"/> at <paramref name="path"/>, by its "type".</summary>
    public static IDecoder Create(JsonElement e, string path) => Create(JsonFields.Type(e, path), e, path);

    /// <summary>The decoder of type <paramref name="type"/> described by <paramref name="e"/>.</summary>
    public static IDecoder Create(string type, JsonElement e, string path) => type switch
    {
        "BPEDecoder" => BpeDecoder.FromJson(e, path),
        "ByteLevel" => ByteLevelDecoder.FromJson(e, path),
        "WordPiece" => WordPieceDecoder.FromJson(e, path),
        "Metaspace" => MetaspaceDecoder.FromJson(e, path),
        "CTC" => CtcDecoder.FromJson(e, path),
        "Sequence" => SequenceDecoder.FromJson(e, path),
        "Replace" => ReplaceDecoder.FromJson(e, path),
        "Fuse" => FuseDecoder.FromJson(e, path),
        "Strip" => StripDecoder.FromJson(e, path),
        "ByteFallback" => ByteFallbackDecoder.FromJson(e, path),
        _ => throw new ConfigurationException($"{path}.type: unknown decoder type \"{type}\""),
    };

    /// <summary>Writes a decoder built by this factory.</summary>
    public static void Write(Utf8JsonWriter w, IDecoder d)
    {
        switch (d)
        {
            case BpeDecoder x: x.WriteJson(w); break;
            case ByteLevelDecoder x: x.WriteJson(w); break;
            case WordPieceDecoder x: x.WriteJson(w); break;
            case MetaspaceDecoder x: x.WriteJson(w); break;
            case CtcDecoder x: x.WriteJson(w); break;
            case SequenceDecoder x: x.WriteJson(w); break;
            case ReplaceDecoder x: x.WriteJson(w); break;
            case FuseDecoder x: x.WriteJson(w); break;
            case StripDecoder x: x.WriteJson(w); break;
            case ByteFallbackDecoder x: x.WriteJson(w); break;
            default: throw new ArgumentException($"{d.GetType().Name} has no tokenizer.json form", nameof(d));
        }
    }
}
