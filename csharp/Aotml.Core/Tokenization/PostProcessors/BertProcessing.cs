using System.Text.Json;

namespace Aotml.Tokenization.PostProcessors;

/// <summary>BERT's special tokens: <c>[CLS] A [SEP]</c> and <c>[CLS] A [SEP] B [SEP]</c> (B with type id 1).</summary>
public sealed class BertProcessing((string Token, uint Id) sep, (string Token, uint Id) cls) : IPostProcessor
{
    /// <summary>The separator token and its id.</summary>
    public (string Token, uint Id) Sep { get; } = sep;

    /// <summary>The classification token and its id.</summary>
    public (string Token, uint Id) Cls { get; } = cls;

    /// <summary>Reads {"type": "BertProcessing", "sep": [token, id], "cls": [token, id]}.</summary>
    public static BertProcessing FromJson(JsonElement e, string path) =>
        new(JsonFields.TokenIdPair(e, "sep", path), JsonFields.TokenIdPair(e, "cls", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "BertProcessing");
        JsonFields.WriteTokenIdPair(w, "sep", Sep);
        JsonFields.WriteTokenIdPair(w, "cls", Cls);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public int AddedTokens(bool isPair) => isPair ? 3 : 2;

    /// <inheritdoc/>
    public IReadOnlyList<Encoding> ProcessEncodings(IReadOnlyList<Encoding> encodings, bool addSpecialTokens)
    {
        if (!addSpecialTokens) return encodings;
        bool withTokens = EncodingParts.WithTokens(encodings.SelectMany(e => e.Overflowing.Append(e)));
        var result = new List<Encoding>(encodings.Count);
        for (int i = 0; i < encodings.Count; i++)
        {
            var wrapped = Wrap(encodings[i], i == 0, withTokens);
            foreach (var o in encodings[i].Overflowing) wrapped.Overflowing.Add(Wrap(o, i == 0, withTokens));
            result.Add(wrapped);
        }
        return result;
    }

    private Encoding Wrap(Encoding e, bool first, bool withTokens)
    {
        var r = new Encoding();
        if (first)
        {
            EncodingParts.AddSpecial(r, Cls.Token, Cls.Id, 0, withTokens);
            EncodingParts.AddSequence(r, e, null, 0, reset: true, withTokens);
            EncodingParts.AddSpecial(r, Sep.Token, Sep.Id, 0, withTokens);
        }
        else
        {
            EncodingParts.AddSequence(r, e, null, 1, reset: true, withTokens);
            EncodingParts.AddSpecial(r, Sep.Token, Sep.Id, 1, withTokens);
        }
        return r;
    }
}
