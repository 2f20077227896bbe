using System.Text.Json;

namespace Aotml.Tokenization.Decoders;

/// <summary>Joins all tokens into one.</summary>
public sealed class FuseDecoder : IDecoder
{
    /// <summary>The one instance.</summary>
    public static readonly FuseDecoder Instance = new();

    /// <summary>Reads {"type": "Fuse"}.</summary>
    public static FuseDecoder FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Fuse");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens) => [string.Concat(tokens)];
}
