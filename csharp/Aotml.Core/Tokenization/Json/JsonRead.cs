using System.Text.Json;

namespace Aotml.Tokenization.Json;

/// <summary>
/// Typed reads of tokenizer.json fields that fail with a <see cref="ConfigurationException"/> naming the JSON path
/// and what is wrong (missing, of the wrong type, out of range), so every component reads its fields the same way.
/// </summary>
public static class JsonRead
{
    /// <summary>The JSON kind of a value, in words.</summary>
    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>A string quoted as JSON, for messages.</summary>
    public static string Quote(string s) => "\"" + JsonEncodedText.Encode(s) + "\"";

    /// <summary>A property's name; a name holding an escaped lone surrogate (not text) fails naming <paramref name="path"/>.</summary>
    public static string PropertyName(JsonProperty p, string path)
    {
        try { return p.Name; }
        catch (InvalidOperationException e) { throw new ConfigurationException($"{path}: a name that is not valid text: {e.Message}", e); }
    }

    /// <summary>Fails unless <paramref name="e"/> is an object.</summary>
    public static void RequireObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new ConfigurationException($"{path}: expected an object, got {Kind(e)}");
    }

    /// <summary>The field, or null when it is absent (a JSON null is returned as such).</summary>
    public static JsonElement? Field(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v : null;

    /// <summary>A field that must be present.</summary>
    public static JsonElement Required(JsonElement e, string name, string path) =>
        e.TryGetProperty(name, out var v) ? v : throw new ConfigurationException($"{path}.{name}: missing");

    /// <summary>A required string.</summary>
    public static string String(JsonElement e, string name, string path)
    {
        var v = Required(e, name, path);
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new ConfigurationException($"{path}.{name}: expected a string, got {Kind(v)}");
    }

    /// <summary>An optional string: absent or null gives <paramref name="fallback"/>.</summary>
    public static string? OptString(JsonElement e, string name, string path, string? fallback = null)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ConfigurationException($"{path}.{name}: expected a string or null, got {Kind(v)}");
    }

    /// <summary>A boolean: absent gives <paramref name="fallback"/>.</summary>
    public static bool Bool(JsonElement e, string name, string path, bool fallback)
    {
        if (!e.TryGetProperty(name, out var v)) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ConfigurationException($"{path}.{name}: expected a boolean, got {Kind(v)}"),
        };
    }

    /// <summary>A non-negative integer that fits an int; absent or null gives <paramref name="fallback"/> (null: required).</summary>
    public static int? OptInt(JsonElement e, string name, string path, int? fallback = null)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i >= 0) return i;
        throw new ConfigurationException($"{path}.{name}: expected an integer from 0 to {int.MaxValue}, got {v.GetRawText()}");
    }

    /// <summary>A required non-negative integer that fits an int.</summary>
    public static int Int(JsonElement e, string name, string path) =>
        OptInt(e, name, path) ?? throw new ConfigurationException($"{path}.{name}: missing");

    /// <summary>A required id (0 to 2**32 - 1).</summary>
    public static uint UInt(JsonElement e, string name, string path)
    {
        var v = Required(e, name, path);
        if (v.ValueKind == JsonValueKind.Number && v.TryGetUInt32(out uint u)) return u;
        throw new ConfigurationException($"{path}.{name}: expected an integer from 0 to {uint.MaxValue}, got {v.GetRawText()}");
    }

    /// <summary>An optional float: absent or null gives null.</summary>
    public static double? OptDouble(JsonElement e, string name, string path)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new ConfigurationException($"{path}.{name}: expected a number or null, got {Kind(v)}");
    }

    /// <summary>A required array.</summary>
    public static JsonElement Array(JsonElement e, string name, string path)
    {
        var v = Required(e, name, path);
        return v.ValueKind == JsonValueKind.Array ? v : throw new ConfigurationException($"{path}.{name}: expected an array, got {Kind(v)}");
    }

    /// <summary>Writes a string or a JSON null.</summary>
    public static void WriteOptString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }
}
