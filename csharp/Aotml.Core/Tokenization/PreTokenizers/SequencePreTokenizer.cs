using System.Text.Json;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>Runs pre-tokenizers one after the other.</summary>
public sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> preTokenizers) : IPreTokenizer
{
    /// <summary>The pre-tokenizers, in order.</summary>
    public IReadOnlyList<IPreTokenizer> PreTokenizers { get; } = preTokenizers;

    /// <summary>Reads {"type": "Sequence", "pretokenizers": [...]}.</summary>
    public static SequencePreTokenizer FromJson(JsonElement e, string path)
    {
        var list = new List<IPreTokenizer>();
        int i = 0;
        foreach (var item in JsonFields.Array(e, "pretokenizers", path).EnumerateArray())
            list.Add(PreTokenizerFactory.Create(item, $"{path}.pretokenizers[{i++}]"));
        return new SequencePreTokenizer(list);
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Sequence");
        w.WriteStartArray("pretokenizers");
        foreach (var p in PreTokenizers) PreTokenizerFactory.Write(w, p);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text)
    {
        foreach (var p in PreTokenizers) p.PreTokenize(text);
    }
}
