using System.Runtime.CompilerServices;

namespace Aotml.Tokenization;

/// <summary>
/// The result of encoding one input, column by column: ids, type ids, token strings, byte offsets into the
/// original text, word indices, special-token and attention masks, the sequence each token belongs to, and the
/// overflowing parts that truncation cut off. Built by one call on one thread; not shared while it grows.
/// </summary>
public sealed class Encoding
{
    /// <summary>Token ids.</summary>
    public List<uint> Ids { get; } = [];

    /// <summary>Type (segment) id of each token.</summary>
    public List<uint> TypeIds { get; } = [];

    /// <summary>Token strings; empty when the producer did not ask for them.</summary>
    public List<string> Tokens { get; } = [];

    /// <summary>Byte range of each token in its original text.</summary>
    public List<(int Start, int End)> Offsets { get; } = [];

    /// <summary>Index of the pre-tokenized word each token came from, -1 for none (special tokens).</summary>
    public List<int> WordIds { get; } = [];

    /// <summary>1 for special tokens added by post-processing, else 0.</summary>
    public List<byte> SpecialTokensMask { get; } = [];

    /// <summary>1 for real tokens, 0 for padding.</summary>
    public List<byte> AttentionMask { get; } = [];

    /// <summary>Index of the input sequence each token belongs to (0, or 1 for a pair's second), -1 for none.</summary>
    public List<int> SequenceIds { get; } = [];

    /// <summary>The parts cut off by truncation, each an encoding of its own.</summary>
    public List<Encoding> Overflowing { get; } = [];

    /// <summary>The number of tokens.</summary>
    public int Length => Ids.Count;

    /// <summary>Appends one token; <paramref name="token"/> is kept only while <see cref="Tokens"/> is in use.</summary>
    public void Add(uint id, (int Start, int End) offsets, int wordId = -1, uint typeId = 0, bool special = false, string? token = null, int sequenceId = 0)
    {
        if (token != null)
        {
            if (Tokens.Count != Ids.Count) throw new InvalidOperationException("token strings must be given for every token or none");
            Tokens.Add(token);
        }
        else if (Tokens.Count != 0) throw new InvalidOperationException("token strings must be given for every token or none");
        Ids.Add(id);
        Offsets.Add(offsets);
        WordIds.Add(wordId);
        TypeIds.Add(typeId);
        SpecialTokensMask.Add(special ? (byte)1 : (byte)0);
        AttentionMask.Add(1);
        SequenceIds.Add(special ? -1 : sequenceId);
    }

    /// <summary>Marks every non-special token as belonging to sequence <paramref name="id"/>, overflows included.</summary>
    public void SetSequenceId(int id)
    {
        for (int i = 0; i < SequenceIds.Count; i++)
            if (SpecialTokensMask[i] == 0) SequenceIds[i] = id;
        foreach (var o in Overflowing) o.SetSequenceId(id);
    }

    /// <summary>Sets the type id of every token, overflows included.</summary>
    public void SetTypeId(uint typeId)
    {
        for (int i = 0; i < TypeIds.Count; i++) TypeIds[i] = typeId;
        foreach (var o in Overflowing) o.SetTypeId(typeId);
    }

    /// <summary>Appends the tokens of <paramref name="other"/>, its offsets shifted by <paramref name="shift"/>.</summary>
    public void Append(Encoding other, int shift = 0)
    {
        if ((Tokens.Count == 0) != (other.Tokens.Count == 0) && Length > 0 && other.Length > 0)
            throw new InvalidOperationException("cannot join encodings with and without token strings");
        Ids.AddRange(other.Ids);
        TypeIds.AddRange(other.TypeIds);
        Tokens.AddRange(other.Tokens);
        foreach (var (s, e) in other.Offsets) Offsets.Add((s + shift, e + shift));
        WordIds.AddRange(other.WordIds);
        SpecialTokensMask.AddRange(other.SpecialTokensMask);
        AttentionMask.AddRange(other.AttentionMask);
        SequenceIds.AddRange(other.SequenceIds);
    }

    /// <summary>
    /// Joins encodings in order into a new one. With <paramref name="growingOffsets"/>, each one's offsets continue
    /// after the previous one's largest end (for texts that were cut into consecutive parts).
    /// </summary>
    public static Encoding Merge(IReadOnlyList<Encoding> encodings, bool growingOffsets)
    {
        var merged = new Encoding();
        int shift = 0;
        foreach (var e in encodings)
        {
            merged.Append(e, shift);
            merged.Overflowing.AddRange(e.Overflowing);
            if (growingOffsets)
                foreach (var (_, end) in merged.Offsets) shift = Math.Max(shift, end);
        }
        return merged;
    }
}

/// <summary>Appends a model's tokens to an <see cref="Encoding"/> with a word index, offsets mapped by a shift.</summary>
public readonly struct EncodingSink(Encoding encoding, int wordId, int shift = 0) : ITokenSink
{
    /// <inheritdoc/>
    public static bool WantsOffsets => true;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint id, int start, int end) => encoding.Add(id, (start + shift, end + shift), wordId);
}
