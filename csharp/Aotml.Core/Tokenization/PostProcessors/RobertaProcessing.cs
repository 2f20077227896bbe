using System.Text.Json;

namespace Aotml.Tokenization.PostProcessors;

/// <summary>RoBERTa's special tokens: <c>&lt;s&gt; A &lt;/s&gt;</c> and <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>,
/// every type id 0, and GPT-2's offset trimming.</summary>
public sealed class RobertaProcessing((string Token, uint Id) sep, (string Token, uint Id) cls, bool trimOffsets = true, bool addPrefixSpace = true) : IPostProcessor
{
    /// <summary>The separator token and its id.</summary>
    public (string Token, uint Id) Sep { get; } = sep;

    /// <summary>The start token and its id.</summary>
    public (string Token, uint Id) Cls { get; } = cls;

    /// <summary>Whether offsets leave out the spaces tokens start or end with.</summary>
    public bool TrimOffsets { get; } = trimOffsets;

    /// <summary>Whether the pre-tokenizer added a space before the text (which trimming then keeps).</summary>
    public bool AddPrefixSpace { get; } = addPrefixSpace;

    /// <summary>Reads {"type": "RobertaProcessing", "sep", "cls", "trim_offsets", "add_prefix_space"}.</summary>
    public static RobertaProcessing FromJson(JsonElement e, string path) =>
        new(JsonFields.TokenIdPair(e, "sep", path), JsonFields.TokenIdPair(e, "cls", path),
            JsonFields.Bool(e, "trim_offsets", path), JsonFields.Bool(e, "add_prefix_space", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "RobertaProcessing");
        JsonFields.WriteTokenIdPair(w, "sep", Sep);
        JsonFields.WriteTokenIdPair(w, "cls", Cls);
        w.WriteBoolean("trim_offsets", TrimOffsets);
        w.WriteBoolean("add_prefix_space", AddPrefixSpace);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public int AddedTokens(bool isPair) => isPair ? 4 : 2;

    /// <inheritdoc/>
    public IReadOnlyList<Encoding> ProcessEncodings(IReadOnlyList<Encoding> encodings, bool addSpecialTokens)
    {
        if (TrimOffsets)
            foreach (var e in encodings)
            {
                EncodingParts.TrimOffsets(e, AddPrefixSpace);
                foreach (var o in e.Overflowing) EncodingParts.TrimOffsets(o, AddPrefixSpace);
            }
        foreach (var e in encodings) EncodingParts.SetTypeIds(e, 0);
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
        EncodingParts.AddSpecial(r, first ? Cls.Token : Sep.Token, first ? Cls.Id : Sep.Id, 0, withTokens);
        EncodingParts.AddSequence(r, e, 0, first ? 0 : 1, reset: true, withTokens);
        EncodingParts.AddSpecial(r, Sep.Token, Sep.Id, 0, withTokens);
        return r;
    }
}
