using System.Globalization;
using System.Text.Json;

namespace Aotml.Tokenization.Decoders;

/// <summary>Turns runs of byte tokens (<c>&lt;0xAB&gt;</c>) into the text they encode; a run that is not valid UTF-8
/// becomes one U+FFFD per byte.</summary>
public sealed class ByteFallbackDecoder : IDecoder
{
    /// <summary>The one instance.</summary>
    public static readonly ByteFallbackDecoder Instance = new();

    /// <summary>Reads {"type": "ByteFallback"}.</summary>
    public static ByteFallbackDecoder FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "ByteFallback");
        w.WriteEndObject();
    }

    /// <summary>The byte of a <c>&lt;0xAB&gt;</c> token, or null.</summary>
    public static byte? ByteOf(string token) =>
        token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
        && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b) ? b : null;

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        void Flush()
        {
            if (pending.Count == 0) return;
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending);
            if (System.Text.Unicode.Utf8.IsValid(span)) result.Add(System.Text.Encoding.UTF8.GetString(span));
            else for (int i = 0; i < pending.Count; i++) result.Add("\uFFFD");
            pending.Clear();
        }
        foreach (var t in tokens)
        {
            if (ByteOf(t) is byte b)
            {
                pending.Add(b);
                continue;
            }
            Flush();
            result.Add(t);
        }
        Flush();
        return result;
    }
}
