using System.Text.Json;

namespace Aotml.Tokenization.Json;

/// <summary>
/// Where a BPE tokenizer.json keeps its two large values, <c>$.model.vocab</c> (an object) and
/// <c>$.model.merges</c> (an array), found by a scan of the raw text; the rest of the document, with those two values
/// replaced by <c>{}</c> and <c>[]</c>, is what <see cref="JsonDocument"/> then parses. Their raw UTF-8 is read
/// directly (<see cref="StringAt"/>), strictly: anything this reader does not fully understand declines
/// (<see cref="Decline"/>) and the caller reads the whole document the general way, which also gives the exact error.
/// </summary>
/// <remarks>
/// Performance notes (Llama-3: 9 MB, 128k tokens, 280k merges): JsonDocument's parse of the whole text, then walking
/// its elements, was a third of the load; the scan here skips them at memchr speed and reads each string once, on
/// the caller's buffer (a copy of the 9 MB cost a memcpy and its page faults).
/// </remarks>
internal readonly ref struct LargeParts
{
    /// <summary>The whole tokenizer.json.</summary>
    public readonly ReadOnlySpan<byte> Text;
    /// <summary>The value ranges [start, end) of model.vocab and model.merges in <see cref="Text"/>.</summary>
    public readonly int VocabStart, VocabEnd, MergesStart, MergesEnd;

    /// <summary>Whether this holds the two values (the default holds none: read the general way).</summary>
    public bool Found => Text.Length > 0;

    private LargeParts(ReadOnlySpan<byte> text, int vs, int ve, int ms, int me)
    {
        Text = text; VocabStart = vs; VocabEnd = ve; MergesStart = ms; MergesEnd = me;
    }

    /// <summary>The raw vocabulary object.</summary>
    public ReadOnlySpan<byte> Vocab => Text[VocabStart..VocabEnd];

    /// <summary>The raw merges array.</summary>
    public ReadOnlySpan<byte> Merges => Text[MergesStart..MergesEnd];

    /// <summary>Thrown when the raw values hold something only the general reader handles.</summary>
    public sealed class Decline : Exception;

    /// <summary>
    /// The large values of <paramref name="json"/> (a view of it, not a copy) and the rest of it with them emptied,
    /// or false (read the whole document the general way) when the text is not laid out as plainly as this scan requires. Small files take this
    /// path too, so that every test of the format runs it.
    /// </summary>
    public static bool Find(ReadOnlySpan<byte> json, out LargeParts found, out byte[] rest)
    {
        rest = [];
        found = default;
        int vs = -1, ve = -1, ms = -1, me = -1;
        int i = Ws(json, 0);
        if (i >= json.Length || json[i] != '{') return false;
        bool sawModel = false;
        i = Ws(json, i + 1);
        while (i < json.Length && json[i] != '}')
        {
            if (!Key(json, ref i, out var key)) return false;
            if (key.SequenceEqual("model"u8))
            {
                if (sawModel || json[i] != '{') return false;
                sawModel = true;
                i = Ws(json, i + 1);
                while (i < json.Length && json[i] != '}')
                {
                    if (!Key(json, ref i, out var k)) return false;
                    int start = i;
                    if (!Skip(json, ref i)) return false;
                    if (k.SequenceEqual("vocab"u8)) { if (vs >= 0) return false; vs = start; ve = i; }
                    else if (k.SequenceEqual("merges"u8)) { if (ms >= 0) return false; ms = start; me = i; }
                    if (!Comma(json, ref i)) return false;
                }
                if (i >= json.Length) return false;
                i++;
            }
            else if (!Skip(json, ref i)) return false;
            if (!Comma(json, ref i)) return false;
        }
        if (vs < 0 || ms < 0 || json[vs] != '{' || json[ms] != '[') return false;
        found = new LargeParts(json, vs, ve, ms, me);
        // The document without the two values (in text order), each replaced by an empty one of its kind.
        var (a, b) = vs < ms ? ((vs, ve, "{}"u8.ToArray()), (ms, me, "[]"u8.ToArray())) : ((ms, me, "[]"u8.ToArray()), (vs, ve, "{}"u8.ToArray()));
        rest = new byte[json.Length - (a.Item2 - a.Item1) - (b.Item2 - b.Item1) + 4];
        int at = 0;
        void Put(ReadOnlySpan<byte> x, byte[] dst) { x.CopyTo(dst.AsSpan(at)); at += x.Length; }
        Put(json[..a.Item1], rest); Put(a.Item3, rest); Put(json[a.Item2..b.Item1], rest); Put(b.Item3, rest); Put(json[b.Item2..], rest);
        return true;
    }

    // JSON white space.
    private static int Ws(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') i++;
        return i;
    }

    // "key" : — a key without escapes (else false); i left at the value.
    private static bool Key(ReadOnlySpan<byte> s, ref int i, out ReadOnlySpan<byte> key)
    {
        key = default;
        if (i >= s.Length || s[i] != '"') return false;
        int close = s[(i + 1)..].IndexOfAny((byte)'"', (byte)'\\');
        if (close < 0 || s[i + 1 + close] != '"') return false;
        key = s.Slice(i + 1, close);
        i = Ws(s, i + close + 2);
        if (i >= s.Length || s[i] != ':') return false;
        i = Ws(s, i + 1);
        return i < s.Length;
    }

    // After a value: white space, then a comma (and white space) or the closing bracket (left at it).
    private static bool Comma(ReadOnlySpan<byte> s, ref int i)
    {
        i = Ws(s, i);
        if (i >= s.Length) return false;
        if (s[i] == ',') { i = Ws(s, i + 1); return i < s.Length && s[i] is not ((byte)'}' or (byte)']'); }
        return s[i] is (byte)'}' or (byte)']';
    }

    // Past one value: strings and brackets tracked (the document parse checks the rest of the syntax). Byte by byte
    // between strings (a few bytes in a vocab or merges list), a vector search within them.
    private static bool Skip(ReadOnlySpan<byte> s, ref int i)
    {
        int depth = 0;
        while (i < s.Length)
        {
            byte c = s[i];
            if (c == '"')
            {
                if (!PastString(s, ref i)) return false;
                if (depth == 0) return true;
                continue;
            }
            if (c is (byte)'{' or (byte)'[') depth++;
            else if (c is (byte)'}' or (byte)']')
            {
                if (depth == 0) return true;   // the end of a scalar value: the enclosing bracket
                if (--depth == 0) { i++; return true; }
            }
            else if (c == ',' && depth == 0) return true;   // after a scalar
            i++;
        }
        return false;
    }

    // i at an opening quote: past the closing one.
    private static bool PastString(ReadOnlySpan<byte> s, ref int i)
    {
        i++;
        while (true)
        {
            int j = s[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (j < 0) return false;
            i += j;
            if (s[i] == '"') { i++; return true; }
            i += 2;
            if (i > s.Length) return false;
        }
    }

    /// <summary>
    /// The string at <paramref name="i"/> (which must be its opening quote, else <see cref="Decline"/>): its
    /// content's UTF-8, escapes decoded (into a new array, rarely needed); <paramref name="i"/> ends past it.
    /// </summary>
    public static ReadOnlySpan<byte> StringAt(ReadOnlySpan<byte> s, scoped ref int i)
    {
        if (i >= s.Length || s[i] != '"') throw new Decline();
        int start = i + 1;
        int j = s[start..].IndexOfAny((byte)'"', (byte)'\\');
        if (j < 0) throw new Decline();
        var content = s.Slice(start, j);
        if (content.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0) throw new Decline();   // JSON has no raw control characters
        if (s[start + j] == '"')
        {
            i = start + j + 1;
            return content;
        }
        int open = i;
        if (!PastString(s, ref i)) throw new Decline();
        var literal = s[open..i];
        if (literal.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0) throw new Decline();
        var reader = new Utf8JsonReader(literal);
        if (!reader.Read() || reader.TokenType != JsonTokenType.String) throw new Decline();
        var decoded = new byte[literal.Length];
        int n = reader.CopyString(decoded);
        return decoded.AsSpan(0, n);
    }

    /// <summary>White space from <paramref name="i"/>.</summary>
    public static int SkipWs(ReadOnlySpan<byte> s, int i) => Ws(s, i);

    /// <summary>Expects <paramref name="c"/> at <paramref name="i"/> (after white space) and steps past it and the
    /// white space after; else <see cref="Decline"/>.</summary>
    public static void Expect(ReadOnlySpan<byte> s, ref int i, byte c)
    {
        i = Ws(s, i);
        if (i >= s.Length || s[i] != c) throw new Decline();
        i = Ws(s, i + 1);
    }

    /// <summary>After an item: true past a comma (another item follows), false at <paramref name="close"/> (left
    /// past it); else <see cref="Decline"/>.</summary>
    public static bool Next(ReadOnlySpan<byte> s, ref int i, byte close)
    {
        i = Ws(s, i);
        if (i < s.Length && s[i] == ',')
        {
            i = Ws(s, i + 1);
            if (i < s.Length && s[i] == close) throw new Decline();   // a trailing comma
            return true;
        }
        if (i < s.Length && s[i] == close) { i++; return false; }
        throw new Decline();
    }

    /// <summary>A JSON number that is a plain unsigned 32-bit integer (no sign, fraction, exponent or leading
    /// zero); else <see cref="Decline"/>.</summary>
    public static uint UInt(ReadOnlySpan<byte> s, ref int i)
    {
        int start = i;
        ulong v = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            v = v * 10 + (uint)(s[i] - '0');
            if (v > uint.MaxValue) throw new Decline();
            i++;
        }
        if (i == start || (s[start] == '0' && i - start > 1)) throw new Decline();
        if (i < s.Length && s[i] is (byte)'.' or (byte)'e' or (byte)'E') throw new Decline();
        return (uint)v;
    }
}
