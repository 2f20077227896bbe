using System.Text.Json;

namespace Aotml.Tokenization.Decoders;

/// <summary>Removes up to <see cref="Start"/> leading and <see cref="Stop"/> trailing copies of a character from
/// each token.</summary>
public sealed class StripDecoder(int content, int start, int stop) : IDecoder
{
    /// <summary>The character removed (a code point).</summary>
    public int Content { get; } = content;

    /// <summary>How many may go at the start.</summary>
    public int Start { get; } = start;

    /// <summary>How many may go at the end.</summary>
    public int Stop { get; } = stop;

    /// <summary>Reads {"type": "Strip", "content": char, "start": n, "stop": n}.</summary>
    public static StripDecoder FromJson(JsonElement e, string path) =>
        new(JsonFields.Char(e, "content", path), (int)JsonFields.Integer(e, "start", path, 0, int.MaxValue),
            (int)JsonFields.Integer(e, "stop", path, 0, int.MaxValue));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Strip");
        w.WriteString("content", JsonFields.CharString(Content));
        w.WriteNumber("start", Start);
        w.WriteNumber("stop", Stop);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        foreach (var t in tokens)
        {
            var chars = t.EnumerateRunes().ToArray();
            int startCut = 0;
            for (int i = 0; i < Start && i < chars.Length; i++)
            {
                if (chars[i].Value != Content) break;
                startCut = i + 1;
            }
            int stopCut = chars.Length;
            for (int i = 0; i < Stop && i < chars.Length; i++)
            {
                int index = chars.Length - i - 1;
                if (chars[index].Value != Content) break;
                stopCut = index;
            }
            // Overlapping cuts (a token made only of the character) leave nothing, where Rust would panic.
            result.Add(stopCut <= startCut ? "" : string.Concat(chars[startCut..stopCut].Select(r => r.ToString())));
        }
        return result;
    }
}
