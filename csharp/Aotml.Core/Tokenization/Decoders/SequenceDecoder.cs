using System.Text.Json;

namespace Aotml.Tokenization.Decoders;

/// <summary>Runs decoders one after the other on the token strings.</summary>
public sealed class SequenceDecoder(IReadOnlyList<IDecoder> decoders) : IDecoder
{
    /// <summary>The decoders, in order.</summary>
    public IReadOnlyList<IDecoder> Decoders { get; } = decoders;

    /// <summary>Reads {"type": "Sequence", "decoders": [...]}.</summary>
    public static SequenceDecoder FromJson(JsonElement e, string path)
    {
        var list = new List<IDecoder>();
        int i = 0;
        foreach (var item in JsonFields.Array(e, "decoders", path).EnumerateArray())
            list.Add(DecoderFactory.Create(item, $"{path}.decoders[{i++}]"));
        return new SequenceDecoder(list);
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Sequence");
        w.WriteStartArray("decoders");
        foreach (var d in Decoders) DecoderFactory.Write(w, d);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens)
    {
        foreach (var d in Decoders) tokens = d.DecodeChain(tokens);
        return tokens;
    }
}
