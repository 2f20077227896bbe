using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>Cuts text into pieces of a fixed number of characters (the last may be shorter).</summary>
public sealed class FixedLengthPreTokenizer : IPreTokenizer
{
    /// <summary>Characters per piece (at least 1).</summary>
    public int Length { get; }

    /// <summary>Pieces of <paramref name="length"/> characters.</summary>
    public FixedLengthPreTokenizer(int length = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Length = length;
    }

    /// <summary>Reads {"type": "FixedLength", "length": n} (n defaults to 5).</summary>
    public static FixedLengthPreTokenizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return new((int)JsonFields.Integer(e, "length", path, 1, int.MaxValue, 5));
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "FixedLength");
        w.WriteNumber("length", Length);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text) => text.Split((_, piece) =>
    {
        var parts = new List<NormalizedString>();
        var bytes = piece.NormalizedUtf8;
        int start = 0, count = 0, i = 0;
        while (i < bytes.Length)
        {
            Utf8.Decode(bytes, i, out int len);
            i += len;
            if (++count == Length)
            {
                parts.Add(piece.Slice(OffsetReferential.Normalized, start, i)!);
                start = i;
                count = 0;
            }
        }
        if (start < bytes.Length) parts.Add(piece.Slice(OffsetReferential.Normalized, start, bytes.Length)!);
        return parts;
    });
}
