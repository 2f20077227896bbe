using System.Text.Json;
using Aotml.Text.Generated;
using Aotml.Text.Normalization;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>BERT's pre-tokenizer: splits on whitespace (dropped), then isolates every punctuation character.</summary>
public sealed class BertPreTokenizer : IPreTokenizer
{
    /// <summary>The one instance.</summary>
    public static readonly BertPreTokenizer Instance = new();

    /// <summary>Reads {"type": "BertPreTokenizer"}.</summary>
    public static BertPreTokenizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "BertPreTokenizer");
        w.WriteEndObject();
    }

    /// <summary>HF's punctuation: ASCII punctuation (symbols included) or a P* category in Unicode 8.0.</summary>
    public static bool IsPunctuation(int c) => c < 0x80
        ? c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~'
        : Ucd.Category(c, Ucd.Unicode8) is GeneralCategory.ConnectorPunctuation or GeneralCategory.DashPunctuation
            or GeneralCategory.OpenPunctuation or GeneralCategory.ClosePunctuation or GeneralCategory.InitialPunctuation
            or GeneralCategory.FinalPunctuation or GeneralCategory.OtherPunctuation;

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text)
    {
        text.Split(p => Splitting.ByChar(p.NormalizedUtf8, Ucd.IsWhiteSpace), SplitBehavior.Removed);
        text.Split(p => Splitting.ByChar(p.NormalizedUtf8, IsPunctuation), SplitBehavior.Isolated);
    }
}
