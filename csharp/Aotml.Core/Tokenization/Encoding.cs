using System.Runtime.CompilerServices;

namespace Aotml.Tokenization;

/// <summary>
/// The result of encoding one input, column by column as Hugging Face's Encoding: ids, type ids, token strings,
/// offsets into the original text, word indices, special-token and attention masks, the token range of each input
/// sequence, and the overflowing parts that truncation cut off. Built by one call on one thread.
/// </summary>
/// <remarks>
/// Sequence membership is kept as HF keeps it, a range of tokens per sequence id rather than a column: with no
/// range recorded every token (padding included) belongs to sequence 0, and truncation forgets the ranges, which is
/// what HF reports and what a column could not reproduce.
/// </remarks>
public sealed class Encoding
{
    /// <summary>Token ids.</summary>
    public List<uint> Ids { get; private set; }

    /// <summary>Type (segment) id of each token.</summary>
    public List<uint> TypeIds { get; private set; }

    /// <summary>Token strings.</summary>
    public List<string> Tokens { get; private set; }

    /// <summary>Range of each token in its original text (bytes, or code points once converted).</summary>
    public List<(int Start, int End)> Offsets { get; private set; }

    /// <summary>Index of the word each token came from, -1 for none (special tokens, padding).</summary>
    public List<int> WordIds { get; private set; }

    /// <summary>1 for special tokens added by post-processing and for padding, else 0.</summary>
    public List<byte> SpecialTokensMask { get; private set; }

    /// <summary>1 for real tokens, 0 for padding.</summary>
    public List<byte> AttentionMask { get; private set; }

    // Most encodings never overflow: the list is made on first use.
    private List<Encoding>? _overflowing;

    /// <summary>The parts cut off by truncation, each an encoding of its own.</summary>
    public List<Encoding> Overflowing { get => _overflowing ??= []; set => _overflowing = value; }

    /// <summary>Whether truncation cut off any part (<see cref="Overflowing"/> is not empty).</summary>
    public bool HasOverflowing => _overflowing is { Count: > 0 };

    // Made on first use: most encodings (one sequence, no post-processor template) never record a range.
    private Dictionary<int, (int Start, int End)>? _ranges;

    /// <summary>Token range [Start, End) of each input sequence by id; empty means one sequence covering all.</summary>
    public Dictionary<int, (int Start, int End)> SequenceRanges => _ranges ??= [];

    /// <summary>An empty encoding with room for <paramref name="capacity"/> tokens.</summary>
    public Encoding(int capacity = 0)
    {
        Ids = new(capacity); TypeIds = new(capacity); Tokens = new(capacity); Offsets = new(capacity);
        WordIds = new(capacity); SpecialTokensMask = new(capacity); AttentionMask = new(capacity);
    }

    /// <summary>The number of tokens.</summary>
    public int Length => Ids.Count;

    /// <summary>How many sequences the encoding holds (1 when no range is recorded).</summary>
    public int NSequences => _ranges is { Count: > 0 } r ? r.Count : 1;

    /// <summary>Appends one token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint id, string token, (int Start, int End) offsets, int wordId = -1, uint typeId = 0, bool special = false)
    {
        Ids.Add(id);
        Tokens.Add(token);
        Offsets.Add(offsets);
        WordIds.Add(wordId);
        TypeIds.Add(typeId);
        SpecialTokensMask.Add(special ? (byte)1 : (byte)0);
        AttentionMask.Add(1);
    }

    /// <summary>Records that all tokens belong to sequence <paramref name="id"/> (HF <c>set_sequence_id</c>).</summary>
    public void SetSequenceId(int id) => SequenceRanges[id] = (0, Length);

    /// <summary>The token range of sequence <paramref name="id"/> (the whole encoding if none is recorded).</summary>
    public (int Start, int End) SequenceRange(int id) => _ranges != null && _ranges.TryGetValue(id, out var r) ? r : (0, Length);

    /// <summary>The sequence of each token, -1 for none (HF <c>get_sequence_ids</c>).</summary>
    public int[] GetSequenceIds()
    {
        var ids = new int[Length];
        Array.Fill(ids, -1);
        for (int s = 0; s < NSequences; s++)
        {
            var (start, end) = SequenceRange(s);
            for (int i = start; i < end && i < ids.Length; i++) ids[i] = s;
        }
        return ids;
    }

    /// <summary>Writes <see cref="GetSequenceIds"/> into <paramref name="dest"/> (<see cref="Length"/> long).</summary>
    public void WriteSequenceIds(Span<int> dest)
    {
        if (_ranges is not { Count: > 0 }) { dest[..Length].Fill(0); return; }
        dest[..Length].Fill(-1);
        for (int s = 0; s < NSequences; s++)
        {
            var (start, end) = SequenceRange(s);
            for (int i = start; i < end && i < Length; i++) dest[i] = s;
        }
    }

    /// <summary>Sets the type id of every token.</summary>
    public void SetTypeIds(uint typeId)
    {
        for (int i = 0; i < TypeIds.Count; i++) TypeIds[i] = typeId;
    }

    /// <summary>A deep copy (overflowing parts included).</summary>
    public Encoding Clone()
    {
        var c = new Encoding(0)
        {
            Ids = [.. Ids], TypeIds = [.. TypeIds], Tokens = [.. Tokens], Offsets = [.. Offsets], WordIds = [.. WordIds],
            SpecialTokensMask = [.. SpecialTokensMask], AttentionMask = [.. AttentionMask],
        };
        if (_overflowing != null) foreach (var o in _overflowing) c.Overflowing.Add(o.Clone());
        if (_ranges != null) foreach (var (k, v) in _ranges) c.SequenceRanges[k] = v;
        return c;
    }

    private Encoding SliceCopy(int start, int stop) => new(0)
    {
        Ids = Ids.GetRange(start, stop - start), TypeIds = TypeIds.GetRange(start, stop - start),
        Tokens = Tokens.GetRange(start, stop - start), Offsets = Offsets.GetRange(start, stop - start),
        WordIds = WordIds.GetRange(start, stop - start), SpecialTokensMask = SpecialTokensMask.GetRange(start, stop - start),
        AttentionMask = AttentionMask.GetRange(start, stop - start),
    };

    /// <summary>
    /// Keeps at most <paramref name="maxLength"/> tokens and moves the rest into <see cref="Overflowing"/> as windows
    /// of <paramref name="maxLength"/> tokens that repeat <paramref name="stride"/> tokens of the previous one
    /// (HF <c>Encoding::truncate</c>). Existing overflowing parts are replaced.
    /// </summary>
    /// <exception cref="ArgumentException">The stride leaves no room: <paramref name="stride"/> &gt;= <paramref name="maxLength"/>.</exception>
    public void Truncate(int maxLength, int stride, Direction direction)
    {
        int n = Length;
        if (maxLength >= n) return;
        if (maxLength == 0)
        {
            var whole = TakeAll();
            Overflowing = [whole];
            return;
        }
        // HF asserts here (a panic); callers get the same message as an error instead.
        if (stride >= maxLength)
            throw new ArgumentException($"`stride` must be strictly less than `max_len={maxLength}` (note that `max_len` may be shorter than the max length of the original model, as it subtracts the number of special characters");
        _ranges?.Clear();
        int step = maxLength - stride;
        var parts = new List<(int, int)>();
        if (direction == Direction.Right)
        {
            for (int start = 0; start < n; start += step)
            {
                int stop = Math.Min(start + maxLength, n);
                parts.Add((start, stop));
                if (stop == n) break;
            }
        }
        else
        {
            for (int last = n - 1; last >= 0; last -= step)
            {
                int stop = last + 1, start = Math.Max(0, stop - maxLength);
                parts.Add((start, stop));
                if (start == 0) break;
            }
        }
        var overflow = new List<Encoding>(parts.Count - 1);
        for (int i = 1; i < parts.Count; i++) overflow.Add(SliceCopy(parts[i].Item1, parts[i].Item2));
        var (s0, e0) = parts[0];
        var first = SliceCopy(s0, e0);
        Ids = first.Ids; TypeIds = first.TypeIds; Tokens = first.Tokens; Offsets = first.Offsets; WordIds = first.WordIds;
        SpecialTokensMask = first.SpecialTokensMask; AttentionMask = first.AttentionMask;
        Overflowing = overflow;
    }

    // Moves everything into a new encoding and leaves this one empty.
    private Encoding TakeAll()
    {
        var e = new Encoding(0)
        {
            Ids = Ids, TypeIds = TypeIds, Tokens = Tokens, Offsets = Offsets, WordIds = WordIds,
            SpecialTokensMask = SpecialTokensMask, AttentionMask = AttentionMask, Overflowing = Overflowing,
        };
        if (_ranges != null) foreach (var (k, v) in _ranges) e.SequenceRanges[k] = v;
        Ids = []; TypeIds = []; Tokens = []; Offsets = []; WordIds = []; SpecialTokensMask = []; AttentionMask = [];
        Overflowing = [];
        _ranges?.Clear();
        return e;
    }

    /// <summary>
    /// Appends <paramref name="pair"/> (HF <c>merge_with</c>), combining overflowing parts as HF does: each of ours
    /// with the pair and with each of its overflows, then ourselves with each of its overflows. With
    /// <paramref name="growingOffsets"/> the pair's offsets continue after our last token's end.
    /// </summary>
    public void MergeWith(Encoding pair, bool growingOffsets)
    {
        if (!HasOverflowing && !pair.HasOverflowing)
        {
            // Nothing to combine: the common case, without the lists the general one builds.
            AppendColumns(pair, growingOffsets);
            _overflowing = null;
            return;
        }
        var overflowings = new List<Encoding>();
        foreach (var self in Overflowing)
        {
            var n = self.Clone();
            n.MergeWith(pair.Clone(), growingOffsets);
            overflowings.Add(n);
            foreach (var other in pair.Overflowing)
            {
                var m = self.Clone();
                m.MergeWith(other.Clone(), growingOffsets);
                overflowings.Add(m);
            }
        }
        foreach (var other in pair.Overflowing)
        {
            var n = Clone();
            n.MergeWith(other.Clone(), growingOffsets);
            overflowings.Add(n);
        }
        AppendColumns(pair, growingOffsets);
        Overflowing = overflowings;
    }

    private void AppendColumns(Encoding pair, bool growingOffsets)
    {
        int len = Length;
        if (pair._ranges != null) foreach (var (k, (s, e)) in pair._ranges) SequenceRanges[k] = (len + s, len + e);
        Ids.AddRange(pair.Ids);
        TypeIds.AddRange(pair.TypeIds);
        Tokens.AddRange(pair.Tokens);
        WordIds.AddRange(pair.WordIds);
        int shift = growingOffsets && Offsets.Count > 0 ? Offsets[^1].End : 0;
        foreach (var (s, e) in pair.Offsets) Offsets.Add((s + shift, e + shift));
        SpecialTokensMask.AddRange(pair.SpecialTokensMask);
        AttentionMask.AddRange(pair.AttentionMask);
    }

    /// <summary>Joins encodings in order into a new one (HF <c>Encoding::merge</c>).</summary>
    public static Encoding Merge(IEnumerable<Encoding> encodings, bool growingOffsets)
    {
        int capacity = 0;
        if (encodings is IReadOnlyList<Encoding> list) foreach (var e in list) capacity += e.Length;
        var merged = new Encoding(capacity);
        foreach (var e in encodings) merged.MergeWith(e, growingOffsets);
        return merged;
    }

    /// <summary>
    /// Pads to <paramref name="targetLength"/> tokens (overflowing parts too) with <paramref name="padId"/>; padding
    /// tokens have offsets (0, 0), no word, special mask 1 and attention 0 (HF <c>Encoding::pad</c>).
    /// </summary>
    public void Pad(int targetLength, uint padId, uint padTypeId, string padToken, Direction direction)
    {
        if (_overflowing != null) foreach (var o in _overflowing) o.Pad(targetLength, padId, padTypeId, padToken, direction);
        int n = targetLength - Length;
        if (n <= 0) return;
        if (direction == Direction.Left)
        {
            Ids.InsertRange(0, Enumerable.Repeat(padId, n));
            TypeIds.InsertRange(0, Enumerable.Repeat(padTypeId, n));
            Tokens.InsertRange(0, Enumerable.Repeat(padToken, n));
            WordIds.InsertRange(0, Enumerable.Repeat(-1, n));
            AttentionMask.InsertRange(0, Enumerable.Repeat((byte)0, n));
            SpecialTokensMask.InsertRange(0, Enumerable.Repeat((byte)1, n));
            Offsets.InsertRange(0, Enumerable.Repeat((0, 0), n));
            if (_ranges != null)
                foreach (var k in _ranges.Keys.ToArray())
                {
                    var (s, e) = _ranges[k];
                    _ranges[k] = (s + n, e + n);
                }
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                Ids.Add(padId); TypeIds.Add(padTypeId); Tokens.Add(padToken); WordIds.Add(-1);
                AttentionMask.Add(0); SpecialTokensMask.Add(1); Offsets.Add((0, 0));
            }
        }
    }

    /// <summary>
    /// Converts the byte offsets of tokens [<paramref name="from"/>, <paramref name="to"/>) into code-point offsets in
    /// <paramref name="utf8"/> as HF's char-offset encode does: a start inside a character maps to that character,
    /// an end past the text maps past its last character, and an offset that cannot be mapped is left as it is.
    /// </summary>
    public void ConvertOffsetsToChars(ReadOnlySpan<byte> utf8, int from, int to)
    {
        if (from >= to) return;
        var map = new int[utf8.Length];   // byte → index of the character holding it
        int chars = 0;
        for (int b = 0; b < utf8.Length; chars++)
        {
            int len = utf8[b] < 0x80 ? 1 : utf8[b] < 0xE0 ? 2 : utf8[b] < 0xF0 ? 3 : 4;
            for (int k = 0; k < len && b + k < utf8.Length; k++) map[b + k] = chars;
            b += len;
        }
        for (int i = from; i < to; i++)
        {
            var (s, e) = Offsets[i];
            if ((uint)s >= (uint)map.Length) continue;
            int cs = map[s];
            int ce = (uint)e < (uint)map.Length ? map[e] : e >= 1 && e - 1 < map.Length ? map[e - 1] + 1 : cs + 1;
            Offsets[i] = (cs, ce);
        }
    }
}
