using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>
/// Cuts text where the Unicode script changes (SentencePiece's rule: Hiragana, Katakana and U+30FC count as Han; a
/// space or a character without a script joins either side).
/// </summary>
public sealed class UnicodeScriptsPreTokenizer : IPreTokenizer
{
    /// <summary>The one instance.</summary>
    public static readonly UnicodeScriptsPreTokenizer Instance = new();

    /// <summary>Reads {"type": "UnicodeScripts"}.</summary>
    public static UnicodeScriptsPreTokenizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "UnicodeScripts");
        w.WriteEndObject();
    }

    /// <summary>The script id HF's rule uses for <paramref name="c"/>; 0 ("Any") joins any script.</summary>
    public static int ScriptOf(int c)
    {
        if (c == 0x30FC) return ScriptTable.Han;
        if (c == ' ') return 0;
        int lo = 0, hi = ScriptTable.Starts.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (c < ScriptTable.Starts[mid]) hi = mid - 1;
            else if (c > ScriptTable.Ends[mid]) lo = mid + 1;
            else
            {
                int s = ScriptTable.Ids[mid];
                return s is ScriptTable.Hiragana or ScriptTable.Katakana ? ScriptTable.Han : s;
            }
        }
        return 0;
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text) => text.Split((_, piece) =>
    {
        var bytes = piece.NormalizedUtf8;
        var cuts = new List<int>();
        int last = -1;   // -1: none seen yet
        for (int i = 0; i < bytes.Length;)
        {
            int script = ScriptOf(Utf8.Decode(bytes, i, out int len));
            if (script != 0 && last != 0 && last != script)
                cuts.Add(i);
            if (script != 0) last = script;
            i += len;
        }
        cuts.Add(bytes.Length);
        var parts = new List<NormalizedString>(cuts.Count);
        for (int k = 0; k + 1 < cuts.Count; k++)
            parts.Add(piece.Slice(OffsetReferential.Normalized, cuts[k], cuts[k + 1])!);
        return parts;
    });
}
