using System.Runtime.InteropServices;
using System.Text.Json;
using Aotml.Tokenization.Json;

namespace Aotml.Tokenization.Models.Bpe;

/// <summary>One merge of an HF BPE model as token ids: <see cref="Left"/> and <see cref="Right"/> join into <see cref="Joined"/>.</summary>
internal readonly record struct BpeMergeRule(uint Left, uint Right, uint Joined);

/// <summary>
/// Reads the "merges" array of an HF BPE model ("a b" strings or ["a", "b"] pairs) straight into token ids, looking
/// the parts and their concatenation up by their UTF-8 bytes.
/// </summary>
/// <remarks>
/// Performance notes (Llama-3: 280k merges, 128k tokens). Reading each merge as a .NET string, splitting it into two
/// more strings, concatenating them and looking the three up in the string dictionary cost about 1.5 µs a merge
/// (most of Llama-3's load time). Here the merge's raw UTF-8 in the parsed document is split and looked up in the
/// vocabulary's UTF-8 map without allocating; only a string holding a JSON escape is decoded first, and the JSON path
/// of a merge is formatted only for an error. The merged token is first compared with the token after the previous
/// merge's result (trained files list merges by result), which takes a third of the lookups away.
/// </remarks>
internal static class BpeMergeList
{
    /// <summary>
    /// The merges by rank; <see cref="ConfigurationException"/> naming <c>path.merges[i]</c> for a malformed entry,
    /// a part that is not a token or a concatenation that is not (the right part loses <paramref name="prefix"/>'s
    /// bytes first, as HF joins them).
    /// </summary>
    public static BpeMergeRule[] Read(JsonElement merges, Vocab vocab, string? prefix, string path)
    {
        var rules = new BpeMergeRule[merges.GetArrayLength()];
        int prefixLen = prefix is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(prefix);
        byte[] joinBuffer = new byte[256];
        int i = 0;
        uint last = uint.MaxValue;
        foreach (var x in merges.EnumerateArray())
        {
            ReadOnlySpan<byte> left, right;
            if (x.ValueKind == JsonValueKind.String)
            {
                var s = Content(x);
                int sp = s.IndexOf((byte)' ');
                if (sp < 0 || s[(sp + 1)..].IndexOf((byte)' ') >= 0)
                    throw new ConfigurationException($"{path}.merges[{i}]: expected two tokens separated by one space, got {JsonRead.Quote(x.GetString()!)}");
                left = s[..sp];
                right = s[(sp + 1)..];
            }
            else if (x.ValueKind == JsonValueKind.Array && x.GetArrayLength() == 2 && x[0].ValueKind == JsonValueKind.String && x[1].ValueKind == JsonValueKind.String)
            {
                left = Content(x[0]);
                right = Content(x[1]);
            }
            else throw new ConfigurationException($"{path}.merges[{i}]: expected \"a b\" or [\"a\", \"b\"], got {x.GetRawText()}");
            rules[i] = Rule(left, right, vocab, prefixLen, ref joinBuffer, ref last, path, i);
            i++;
        }
        return rules;
    }

    /// <summary>
    /// <see cref="Read"/> over the raw UTF-8 of the merges array (see <see cref="Json.LargeParts"/>):
    /// <see cref="Json.LargeParts.Decline"/> for anything but "a b" strings and ["a", "b"] pairs.
    /// </summary>
    public static BpeMergeRule[] ReadRaw(ReadOnlySpan<byte> raw, Vocab vocab, string? prefix, string path)
    {
        var rules = new List<BpeMergeRule>(raw.Length / 12);
        int prefixLen = prefix is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(prefix);
        byte[] joinBuffer = new byte[256];
        uint last = uint.MaxValue;
        // A window of parsed merges whose parts' index slots are prefetched together before any is looked up: one
        // lookup at a time waits for each cache miss in turn (most of the merge reading time on Llama-3).
        var window = new Part[2 * Window];
        int held = 0;
        int i = 0;
        Json.LargeParts.Expect(raw, ref i, (byte)'[');
        if (i < raw.Length && raw[i] == ']') i++;
        else
            do
            {
                ReadOnlySpan<byte> left, right;
                if (i < raw.Length && raw[i] == '[')
                {
                    Json.LargeParts.Expect(raw, ref i, (byte)'[');
                    left = Json.LargeParts.StringAt(raw, ref i);
                    Json.LargeParts.Expect(raw, ref i, (byte)',');
                    right = Json.LargeParts.StringAt(raw, ref i);
                    Json.LargeParts.Expect(raw, ref i, (byte)']');
                }
                else
                {
                    var t = Json.LargeParts.StringAt(raw, ref i);
                    int sp = t.IndexOf((byte)' ');
                    if (sp < 0 || t[(sp + 1)..].IndexOf((byte)' ') >= 0) throw new Json.LargeParts.Decline();
                    left = t[..sp];
                    right = t[(sp + 1)..];
                }
                window[2 * held] = Part.Of(raw, left);
                window[2 * held + 1] = Part.Of(raw, right);
                vocab.ByBytes.Prefetch(left);
                vocab.ByBytes.Prefetch(right);
                if (++held == Window) { Flush(raw, window, held, rules, vocab, prefixLen, ref joinBuffer, ref last, path); held = 0; }
            } while (Json.LargeParts.Next(raw, ref i, (byte)']'));
        Flush(raw, window, held, rules, vocab, prefixLen, ref joinBuffer, ref last, path);
        if (Json.LargeParts.SkipWs(raw, i) != raw.Length) throw new Json.LargeParts.Decline();
        return rules.ToArray();
    }

    private const int Window = 16;

    // A merge part: a range of the raw text, or (a JSON escape decoded) its own bytes.
    private readonly record struct Part(int Start, int Length, byte[]? Own)
    {
        public static Part Of(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> s) =>
            raw.Overlaps(s, out int at) ? new Part(at, s.Length, null) : new Part(0, s.Length, s.ToArray());

        public ReadOnlySpan<byte> In(ReadOnlySpan<byte> raw) => Own ?? raw.Slice(Start, Length);
    }

    private static void Flush(ReadOnlySpan<byte> raw, Part[] window, int held, List<BpeMergeRule> rules, Vocab vocab, int prefixLen,
        ref byte[] joinBuffer, ref uint last, string path)
    {
        for (int k = 0; k < held; k++)
            rules.Add(Rule(window[2 * k].In(raw), window[2 * k + 1].In(raw), vocab, prefixLen, ref joinBuffer, ref last, path, rules.Count));
    }

    // One merge as ids: the parts looked up, then their concatenation (the right part without the prefix).
    private static BpeMergeRule Rule(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Vocab vocab, int prefixLen,
        ref byte[] joinBuffer, ref uint last, string path, int i)
    {
        uint a = Id(vocab, left, path, i), b = Id(vocab, right, path, i);
        var rest = prefixLen > 0 && right.Length >= prefixLen ? right[prefixLen..] : right;
        int n = left.Length + rest.Length;
        if (joinBuffer.Length < n) joinBuffer = new byte[n * 2];
        left.CopyTo(joinBuffer);
        rest.CopyTo(joinBuffer.AsSpan(left.Length));
        var joined = joinBuffer.AsSpan(0, n);
        // Trained vocabularies list merges by the id of their result, so it is nearly always the previous
        // merge's result or the next id: a comparison then replaces the lookup.
        uint j = last + 1;
        if (!(vocab.TryGetBytes(j, out var guess) && guess.SequenceEqual(joined))
            && !(vocab.TryGetBytes(j = last, out guess) && guess.SequenceEqual(joined))
            && !vocab.ByBytes.TryGetValue(joined, out j))
            throw new ConfigurationException($"{path}.merges[{i}]: the merged token {JsonRead.Quote(System.Text.Encoding.UTF8.GetString(joined))} is not in the vocabulary");
        last = j;
        return new BpeMergeRule(a, b, j);
    }

    // The UTF-8 of a JSON string without copying, unless it holds an escape.
    private static ReadOnlySpan<byte> Content(JsonElement s)
    {
        var raw = JsonMarshal.GetRawUtf8Value(s);
        raw = raw[1..^1];
        return raw.IndexOf((byte)'\\') < 0 ? raw : System.Text.Encoding.UTF8.GetBytes(s.GetString()!);
    }

    private static uint Id(Vocab vocab, ReadOnlySpan<byte> token, string path, int i) =>
        vocab.ByBytes.TryGetValue(token, out uint id) ? id
            : throw new ConfigurationException($"{path}.merges[{i}]: {JsonRead.Quote(System.Text.Encoding.UTF8.GetString(token))} is not in the vocabulary");
}
