using System.Text.Json;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>The pre-tokenizer "type" switch of tokenizer.json.</summary>
public static class PreTokenizerFactory
{
    /// <summary>The pre-tokenizer of the object <paramref name="e"/> at <paramref name="path"/>, by its "type".</summary>
    public static IPreTokenizer Create(JsonElement e, string path) => Create(JsonFields.Type(e, path), e, path);

    /// <summary>The pre-tokenizer of type <paramref name="type"/> described by <paramref name="e"/>.</summary>
    public static IPreTokenizer Create(string type, JsonElement e, string path) => type switch
    {
        "BertPreTokenizer" => BertPreTokenizer.FromJson(e, path),
        "ByteLevel" => ByteLevelPreTokenizer.FromJson(e, path),
        "Delimiter" or "CharDelimiterSplit" => CharDelimiterSplitPreTokenizer.FromJson(e, path),
        "Metaspace" => MetaspacePreTokenizer.FromJson(e, path),
        "Whitespace" => WhitespacePreTokenizer.FromJson(e, path),
        "Sequence" => SequencePreTokenizer.FromJson(e, path),
        "Split" => SplitPreTokenizer.FromJson(e, path),
        "Punctuation" => PunctuationPreTokenizer.FromJson(e, path),
        "WhitespaceSplit" => WhitespaceSplitPreTokenizer.FromJson(e, path),
        "Digits" => DigitsPreTokenizer.FromJson(e, path),
        "UnicodeScripts" => UnicodeScriptsPreTokenizer.FromJson(e, path),
        "FixedLength" => FixedLengthPreTokenizer.FromJson(e, path),
        _ => throw new ConfigurationException($"{path}.type: unknown pre-tokenizer type \"{type}\""),
    };

    /// <summary>Writes a pre-tokenizer built by this factory.</summary>
    public static void Write(Utf8JsonWriter w, IPreTokenizer p)
    {
        switch (p)
        {
            case BertPreTokenizer x: x.WriteJson(w); break;
            case ByteLevelPreTokenizer x: x.WriteJson(w); break;
            case CharDelimiterSplitPreTokenizer x: x.WriteJson(w); break;
            case MetaspacePreTokenizer x: x.WriteJson(w); break;
            case WhitespacePreTokenizer x: x.WriteJson(w); break;
            case SequencePreTokenizer x: x.WriteJson(w); break;
            case SplitPreTokenizer x: x.WriteJson(w); break;
            case PunctuationPreTokenizer x: x.WriteJson(w); break;
            case WhitespaceSplitPreTokenizer x: x.WriteJson(w); break;
            case DigitsPreTokenizer x: x.WriteJson(w); break;
            case UnicodeScriptsPreTokenizer x: x.WriteJson(w); break;
            case FixedLengthPreTokenizer x: x.WriteJson(w); break;
            default: throw new ArgumentException($"{p.GetType().Name} has no tokenizer.json form", nameof(p));
        }
    }
}
