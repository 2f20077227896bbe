using System.Text.Json;

namespace Aotml.Tokenization.PostProcessors;

/// <summary>Runs post-processors one after the other on the encodings.</summary>
public sealed class SequenceProcessing(IReadOnlyList<IPostProcessor> processors) : IPostProcessor
{
    /// <summary>The processors, in order.</summary>
    public IReadOnlyList<IPostProcessor> Processors { get; } = processors;

    /// <summary>Reads {"type": "Sequence", "processors": [...]}.</summary>
    public static SequenceProcessing FromJson(JsonElement e, string path)
    {
        var list = new List<IPostProcessor>();
        int i = 0;
        foreach (var item in JsonFields.Array(e, "processors", path).EnumerateArray())
            list.Add(PostProcessorFactory.Create(item, $"{path}.processors[{i++}]"));
        return new SequenceProcessing(list);
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Sequence");
        w.WriteStartArray("processors");
        foreach (var p in Processors) PostProcessorFactory.Write(w, p);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public int AddedTokens(bool isPair) => Processors.Sum(p => p.AddedTokens(isPair));

    /// <inheritdoc/>
    public IReadOnlyList<Encoding> ProcessEncodings(IReadOnlyList<Encoding> encodings, bool addSpecialTokens)
    {
        foreach (var p in Processors) encodings = p.ProcessEncodings(encodings, addSpecialTokens);
        return encodings;
    }
}
