using System.Runtime.InteropServices;
using System.Text.Json;

namespace Aotml.Tokenization.Models;

/// <summary>A model vocabulary: token ↔ id, looked up by string, by UTF-8 span, or by id.</summary>
/// <remarks>
/// Performance notes (Llama-3: 128k tokens). A string, a byte[] and two dictionary entries per token made the
/// vocabulary a large part of the load time, and the BPE merges then probe it 840k times. The tokens' UTF-8 now lies
/// in one array, indexed by <see cref="TokenIndex"/> (open addressing, one 16-byte slot per probe, no allocation per
/// token); the strings (<see cref="IdToToken"/>) and the string dictionary (<see cref="ByToken"/>) are made on first
/// use, since loading needs neither.
/// </remarks>
internal sealed class Vocab
{
    private readonly byte[] _utf8;
    private readonly int[] _start, _length;   // by id; length -1: no token has the id
    private readonly string?[] _strings;
    private Dictionary<string, uint>? _byToken;

    /// <summary>UTF-8 token → id.</summary>
    public TokenIndex ByBytes { get; }

    /// <summary>The number of tokens.</summary>
    public int Count { get; }

    /// <summary>One more than the largest id (0 when empty).</summary>
    public int IdBound => _length.Length;

    private Vocab(byte[] utf8, int[] start, int[] length, int count, TokenIndex index)
    {
        _utf8 = utf8; _start = start; _length = length; Count = count; ByBytes = index;
        _strings = new string?[length.Length];
    }

    /// <summary>Token → id (made on first use).</summary>
    public Dictionary<string, uint> ByToken
    {
        get
        {
            if (_byToken is { } d) return d;
            var map = new Dictionary<string, uint>(Count);
            foreach (var (start, length, id) in ByBytes.Entries()) map[Text(_utf8, start, length)] = id;
            return Interlocked.CompareExchange(ref _byToken, map, null) ?? map;
        }
    }

    /// <summary>
    /// Builds the vocabulary from UTF-8 tokens (<paramref name="utf8"/>[start..start+length] of each entry);
    /// <see cref="ConfigurationException"/> (naming <paramref name="path"/>) when an id is far beyond the vocabulary
    /// (a table that large would be a mistake). As in HF, two tokens may share an id (both encode to it; it decodes to
    /// the first) and a token listed twice keeps its last id.
    /// </summary>
    public static Vocab Build(byte[] utf8, List<(int Start, int Length, uint Id)> entries, string path)
    {
        uint max = 0;
        foreach (var (_, _, id) in entries) max = Math.Max(max, id);
        if (entries.Count > 0 && max >= (ulong)entries.Count * 4 + (1 << 20))
            throw new ConfigurationException($"{path}: id {max} is far beyond the {entries.Count} tokens of the vocabulary");
        int bound = entries.Count == 0 ? 0 : (int)max + 1;
        var start = new int[bound];
        var length = new int[bound];
        length.AsSpan().Fill(-1);
        var index = new TokenIndex(utf8, entries.Count);
        int count = entries.Count;
        var list = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries);
        for (int k = 0; k < list.Length; k++)
        {
            var (s, n, id) = list[k];
            // The slot of a token a few ahead, asked for now: the inserts then rarely wait on memory.
            if (k + 8 < list.Length) index.Prefetch(utf8.AsSpan(list[k + 8].Start, list[k + 8].Length));
            if (!index.Set(s, n, id, out uint previous))
            {
                // A token listed twice keeps its last id (HF reads the object into a map); its former id loses it.
                count--;
                if (length[previous] == n && utf8.AsSpan(start[previous], n).SequenceEqual(utf8.AsSpan(s, n))) length[previous] = -1;
            }
            if (length[id] >= 0) continue;
            start[id] = s;
            length[id] = n;
        }
        return new Vocab(utf8, start, length, count, index);
    }

    private static string Text(byte[] utf8, int start, int length) => System.Text.Encoding.UTF8.GetString(utf8, start, length);

    /// <summary>Reads a JSON object of token → id.</summary>
    public static Vocab FromJsonObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new ConfigurationException($"{path}: expected an object of token → id, got {Json.JsonRead.Kind(e)}");
        // The object's raw text bounds the tokens' UTF-8 (an escape is never shorter than what it stands for).
        var utf8 = new byte[JsonMarshal.GetRawUtf8Value(e).Length];
        int used = 0;
        var entries = new List<(int, int, uint)>();
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetUInt32(out uint id))
                throw new ConfigurationException($"{path}[{Json.JsonRead.Quote(p.Name)}]: expected an id from 0 to {uint.MaxValue}, got {p.Value.GetRawText()}");
            var raw = JsonMarshal.GetRawUtf8PropertyName(p);
            int n;
            if (raw.IndexOf((byte)'\\') < 0)
            {
                raw.CopyTo(utf8.AsSpan(used));
                n = raw.Length;
            }
            else n = System.Text.Encoding.UTF8.GetBytes(Json.JsonRead.PropertyName(p, path), utf8.AsSpan(used));
            entries.Add((used, n, id));
            used += n;
        }
        return Build(utf8, entries, path);
    }

    /// <summary>
    /// Reads the raw UTF-8 of a JSON object of token → id as <see cref="FromJsonObject"/> does (see
    /// <see cref="Json.LargeParts"/>); <see cref="Json.LargeParts.Decline"/> for anything but plain string keys and
    /// unsigned integer values.
    /// </summary>
    public static Vocab FromRawObject(ReadOnlySpan<byte> raw, string path)
    {
        var utf8 = new byte[raw.Length];
        int used = 0;
        var entries = new List<(int, int, uint)>(raw.Length / 12);
        int i = 0;
        Json.LargeParts.Expect(raw, ref i, (byte)'{');
        if (i < raw.Length && raw[i] == '}') i++;
        else
            do
            {
                var name = Json.LargeParts.StringAt(raw, ref i);
                Json.LargeParts.Expect(raw, ref i, (byte)':');
                uint id = Json.LargeParts.UInt(raw, ref i);
                name.CopyTo(utf8.AsSpan(used));
                entries.Add((used, name.Length, id));
                used += name.Length;
            } while (Json.LargeParts.Next(raw, ref i, (byte)'}'));
        if (Json.LargeParts.SkipWs(raw, i) != raw.Length) throw new Json.LargeParts.Decline();
        return Build(utf8, entries, path);
    }

    /// <summary>The UTF-8 of the token with <paramref name="id"/>; false when no token has it.</summary>
    public bool TryGetBytes(uint id, out ReadOnlySpan<byte> token)
    {
        if (id < (uint)_length.Length && _length[id] >= 0)
        {
            token = _utf8.AsSpan(_start[id], _length[id]);
            return true;
        }
        token = default;
        return false;
    }

    /// <summary>The id of a token.</summary>
    public uint? TokenToId(string token)
    {
        // A string that is not valid UTF-16 has no UTF-8 form; only the string map can say whether it is a token.
        Span<byte> buffer = token.Length <= 128 ? stackalloc byte[token.Length * 3] : new byte[token.Length * 3];
        if (System.Text.Unicode.Utf8.FromUtf16(token, buffer, out _, out int n, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
            return ByToken.TryGetValue(token, out uint sid) ? sid : null;
        return ByBytes.TryGetValue(buffer[..n], out uint id) ? id : null;
    }

    /// <summary>The token of an id.</summary>
    public string? IdToToken(uint id)
    {
        if (id >= (uint)_length.Length || _length[id] < 0) return null;
        // Two threads may both make the string; either copy is the same text.
        return _strings[id] ??= Text(_utf8, _start[id], _length[id]);
    }

    /// <summary>Every token with its id: a visitor of the UTF-8 (two tokens may share an id).</summary>
    public void ForEach(TokenVisitor visit)
    {
        foreach (var (start, length, id) in ByBytes.Entries()) visit(_utf8.AsSpan(start, length), id);
    }

    /// <summary>
    /// The tokens that start with <paramref name="prefix"/>, indexed by the rest of their UTF-8 (WordPiece's
    /// continuing matches, looked up without joining the prefix on), and the longest such rest.
    /// </summary>
    public TokenIndex ByRestAfter(ReadOnlySpan<byte> prefix, out int longest)
    {
        int count = 0;
        foreach (var (start, length, _) in ByBytes.Entries())
            if (_utf8.AsSpan(start, length).StartsWith(prefix)) count++;
        var index = new TokenIndex(_utf8, count);
        longest = 0;
        foreach (var (start, length, id) in ByBytes.Entries())
        {
            if (!_utf8.AsSpan(start, length).StartsWith(prefix)) continue;
            index.Set(start + prefix.Length, length - prefix.Length, id, out _);
            longest = Math.Max(longest, length - prefix.Length);
        }
        return index;
    }

    /// <summary>Receives one token of <see cref="ForEach"/>.</summary>
    public delegate void TokenVisitor(ReadOnlySpan<byte> token, uint id);

    /// <summary>Writes the vocabulary as a JSON object, by ascending id (as HF does).</summary>
    public void WriteJsonObject(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        if (Count == _length.Count(n => n >= 0))
        {
            for (uint i = 0; i < _length.Length; i++)
                if (IdToToken(i) is { } t) w.WriteNumber(t, i);
        }
        else
        {
            foreach (var (start, length, id) in ByBytes.Entries().OrderBy(e => e.Id).ThenBy(e => e.Start))
                w.WriteNumber(Text(_utf8, start, length), id);
        }
        w.WriteEndObject();
    }
}
