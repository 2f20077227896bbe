using System.Text.Json;
using Aotml.Text.Normalization;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>Splits numbers (Nd, Nl, No) from the rest: runs of them, or each one alone.</summary>
public sealed class DigitsPreTokenizer(bool individualDigits = false) : IPreTokenizer
{
    /// <summary>Whether each digit is a piece of its own.</summary>
    public bool IndividualDigits { get; } = individualDigits;

    /// <summary>Reads {"type": "Digits", "individual_digits": bool}.</summary>
    public static DigitsPreTokenizer FromJson(JsonElement e, string path) => new(JsonFields.Bool(e, "individual_digits", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Digits");
        w.WriteBoolean("individual_digits", IndividualDigits);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text) =>
        text.Split(p => Splitting.ByChar(p.NormalizedUtf8, Ucd.IsNumeric),
            IndividualDigits ? SplitBehavior.Isolated : SplitBehavior.Contiguous);
}
