namespace Aotml.Tokenization.Models.Bpe;

/// <summary>
/// What the merge engine asks of a vocabulary: the initial symbols of a piece and the rank of joining two adjacent
/// parts. Implemented by structs and taken as a generic type argument, so the engine is compiled once per table and
/// its lookups inline.
/// </summary>
/// <remarks>
/// Ranks order the merges (lowest first) and are not ids in general: in a Hugging Face BPE the rank of a pair is its
/// line in the merges list and the joined part has its own vocabulary id. In tiktoken the rank of a byte string is
/// also its id, which <see cref="RankIsId"/> tells the engine so that it keeps no second array.
/// </remarks>
public interface IMergeTable
{
    /// <summary>The rank of a pair that does not merge.</summary>
    const uint None = uint.MaxValue;

    /// <summary>Whether the id of a joined part is the rank of its merge (a constant per table type).</summary>
    static abstract bool RankIsId { get; }

    /// <summary>An upper bound of the ranks <see cref="Rank"/> returns (the engine sizes tables by it).</summary>
    uint MaxRank { get; }

    /// <summary>
    /// The id of the initial symbol that starts at byte <paramref name="start"/> of <paramref name="piece"/>, and in
    /// <paramref name="end"/> where it ends (a byte, a character, ...; at least one byte).
    /// </summary>
    uint Symbol(ReadOnlySpan<byte> piece, int start, out int end);

    /// <summary>
    /// The rank of joining part [<paramref name="start"/>, <paramref name="mid"/>) (id <paramref name="left"/>) with
    /// part [<paramref name="mid"/>, <paramref name="end"/>) (id <paramref name="right"/>), or <see cref="None"/>;
    /// <paramref name="joined"/> gets the id of the joined part (ignored when <see cref="RankIsId"/>).
    /// </summary>
    uint Rank(ReadOnlySpan<byte> piece, int start, int mid, int end, uint left, uint right, out uint joined);
}
