using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Runs normalizers one after the other on the same text.</summary>
public sealed class SequenceNormalizer(IReadOnlyList<INormalizer> normalizers) : INormalizer
{
    /// <summary>The normalizers, in order.</summary>
    public IReadOnlyList<INormalizer> Normalizers { get; } = normalizers;

    /// <summary>Reads {"type": "Sequence", "normalizers": [...]}.</summary>
    public static SequenceNormalizer FromJson(JsonElement e, string path)
    {
        var list = new List<INormalizer>();
        int i = 0;
        foreach (var item in JsonFields.Array(e, "normalizers", path).EnumerateArray())
            list.Add(NormalizerFactory.Create(item, $"{path}.normalizers[{i++}]"));
        return new SequenceNormalizer(list);
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Sequence");
        w.WriteStartArray("normalizers");
        foreach (var n in Normalizers) NormalizerFactory.Write(w, n);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text)
    {
        foreach (var n in Normalizers) n.Normalize(text);
    }
}
