using System.Text.Json;

namespace Aotml.Tokenization.Normalizers;

/// <summary>The normalizer "type" switch of tokenizer.json.</summary>
public static class NormalizerFactory
{
    /// <summary>The normalizer of the object <paramref name="e"/> at <paramref name="path"/>, by its "type".</summary>
    public static INormalizer Create(JsonElement e, string path) => Create(JsonFields.Type(e, path), e, path);

    /// <summary>The normalizer of type <paramref name="type"/> described by <paramref name="e"/>.</summary>
    public static INormalizer Create(string type, JsonElement e, string path) => type switch
    {
        "BertNormalizer" => BertNormalizer.FromJson(e, path),
        "Strip" => StripNormalizer.FromJson(e, path),
        "StripAccents" => StripAccentsNormalizer.FromJson(e, path),
        "NFC" => NfcNormalizer.FromJson(e, path),
        "NFD" => NfdNormalizer.FromJson(e, path),
        "NFKC" => NfkcNormalizer.FromJson(e, path),
        "NFKD" => NfkdNormalizer.FromJson(e, path),
        "Sequence" => SequenceNormalizer.FromJson(e, path),
        "Lowercase" => LowercaseNormalizer.FromJson(e, path),
        "Nmt" => NmtNormalizer.FromJson(e, path),
        "Precompiled" => PrecompiledNormalizer.FromJson(e, path),
        "Replace" => ReplaceNormalizer.FromJson(e, path),
        "Prepend" => PrependNormalizer.FromJson(e, path),
        "ByteLevel" => ByteLevelNormalizer.FromJson(e, path),
        _ => throw new ConfigurationException($"{path}.type: unknown normalizer type \"{type}\""),
    };

    /// <summary>Writes a normalizer built by this factory.</summary>
    public static void Write(Utf8JsonWriter w, INormalizer n)
    {
        switch (n)
        {
            case BertNormalizer x: x.WriteJson(w); break;
            case StripNormalizer x: x.WriteJson(w); break;
            case StripAccentsNormalizer x: x.WriteJson(w); break;
            case NfcNormalizer x: x.WriteJson(w); break;
            case NfdNormalizer x: x.WriteJson(w); break;
            case NfkcNormalizer x: x.WriteJson(w); break;
            case NfkdNormalizer x: x.WriteJson(w); break;
            case SequenceNormalizer x: x.WriteJson(w); break;
            case LowercaseNormalizer x: x.WriteJson(w); break;
            case NmtNormalizer x: x.WriteJson(w); break;
            case PrecompiledNormalizer x: x.WriteJson(w); break;
            case ReplaceNormalizer x: x.WriteJson(w); break;
            case PrependNormalizer x: x.WriteJson(w); break;
            case ByteLevelNormalizer x: x.WriteJson(w); break;
            default: throw new ArgumentException($"{n.GetType().Name} has no tokenizer.json form", nameof(n));
        }
    }
}
