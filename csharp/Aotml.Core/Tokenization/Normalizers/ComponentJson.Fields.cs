using System.Text.Json;

namespace Aotml.Tokenization;

/// <summary>
/// Field readers shared by the components' <c>FromJson</c>: each names the JSON path of a missing or mistyped field
/// in its <see cref="ConfigurationException"/>. A field is required unless the caller passes a default, as serde
/// requires every field of a component that has no <c>#[serde(default)]</c>.
/// </summary>
internal static class JsonFields
{
    public static ConfigurationException Error(string path, string field, string what) => new($"{path}.{field}: {what}");

    private static JsonElement? Find(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : null;

    public static void RequireObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new ConfigurationException($"{path}: expected an object, got {e.ValueKind}");
    }

    public static bool Bool(JsonElement e, string name, string path, bool? fallback = null)
    {
        var v = Find(e, name);
        if (v is null || v.Value.ValueKind == JsonValueKind.Null)
            return fallback ?? throw Error(path, name, "missing boolean field");
        return v.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(path, name, $"expected a boolean, got {v.Value.ValueKind}"),
        };
    }

    /// <summary>An optional boolean: null when absent or null.</summary>
    public static bool? OptionalBool(JsonElement e, string name, string path)
    {
        var v = Find(e, name);
        if (v is null || v.Value.ValueKind == JsonValueKind.Null)
            return null;
        return Bool(e, name, path);
    }

    public static string String(JsonElement e, string name, string path, string? fallback = null)
    {
        var v = Find(e, name);
        if (v is null || v.Value.ValueKind == JsonValueKind.Null)
            return fallback ?? throw Error(path, name, "missing string field");
        if (v.Value.ValueKind != JsonValueKind.String)
            throw Error(path, name, $"expected a string, got {v.Value.ValueKind}");
        return v.Value.GetString()!;
    }

    /// <summary>A field holding exactly one Unicode scalar value (a Rust <c>char</c>).</summary>
    public static int Char(JsonElement e, string name, string path, int? fallback = null)
    {
        var v = Find(e, name);
        if ((v is null || v.Value.ValueKind == JsonValueKind.Null) && fallback is int f)
            return f;
        string s = String(e, name, path);
        var runes = s.EnumerateRunes();
        int count = 0, value = 0;
        foreach (var r in runes)
        {
            value = r.Value;
            count++;
        }
        if (count != 1)
            throw Error(path, name, $"expected a single character, got \"{s}\"");
        return value;
    }

    public static long Integer(JsonElement e, string name, string path, long min, long max, long? fallback = null)
    {
        var v = Find(e, name);
        if (v is null || v.Value.ValueKind == JsonValueKind.Null)
            return fallback ?? throw Error(path, name, "missing integer field");
        if (v.Value.ValueKind != JsonValueKind.Number || !v.Value.TryGetInt64(out long n))
            throw Error(path, name, $"expected an integer, got {v.Value}");
        if (n < min || n > max)
            throw Error(path, name, $"{n} is out of range [{min}, {max}]");
        return n;
    }

    public static JsonElement Array(JsonElement e, string name, string path)
    {
        var v = Find(e, name);
        if (v is null || v.Value.ValueKind != JsonValueKind.Array)
            throw Error(path, name, v is null ? "missing array field" : $"expected an array, got {v.Value.ValueKind}");
        return v.Value;
    }

    public static JsonElement Object(JsonElement e, string name, string path)
    {
        var v = Find(e, name);
        if (v is null || v.Value.ValueKind != JsonValueKind.Object)
            throw Error(path, name, v is null ? "missing object field" : $"expected an object, got {v.Value.ValueKind}");
        return v.Value;
    }

    /// <summary>A <c>["token", id]</c> pair (BertProcessing's sep and cls).</summary>
    public static (string Token, uint Id) TokenIdPair(JsonElement e, string name, string path)
    {
        var a = Array(e, name, path);
        if (a.GetArrayLength() != 2 || a[0].ValueKind != JsonValueKind.String || a[1].ValueKind != JsonValueKind.Number
            || !a[1].TryGetUInt32(out uint id))
            throw Error(path, name, "expected [\"token\", id]");
        return (a[0].GetString()!, id);
    }

    /// <summary>The "type" tag of a component object.</summary>
    public static string Type(JsonElement e, string path)
    {
        RequireObject(e, path);
        if (!e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
            throw new ConfigurationException($"{path}.type: missing component type");
        return t.GetString()!;
    }

    /// <summary>Starts a component object with its "type" tag, as serde's internally tagged enums write it.</summary>
    public static void StartComponent(Utf8JsonWriter w, string type)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
    }

    public static void WriteTokenIdPair(Utf8JsonWriter w, string name, (string Token, uint Id) pair)
    {
        w.WriteStartArray(name);
        w.WriteStringValue(pair.Token);
        w.WriteNumberValue(pair.Id);
        w.WriteEndArray();
    }

    public static string CharString(int c) => char.ConvertFromUtf32(c);
}
