using System.Runtime.CompilerServices;
using Aotml.Tokenization.Models.Bpe;

namespace Aotml.Tiktoken;

/// <summary>
/// tiktoken's ranks as a BPE merge table: the symbols are bytes, and joining two parts has the rank of their
/// concatenated bytes, which is also the id of the joined part.
/// </summary>
internal readonly struct RankMergeTable(RankTable ranks, uint[] byteRanks, LookupCache lookups) : IMergeTable
{
    private readonly RankTable _ranks = ranks;
    private readonly uint[] _byteRanks = byteRanks;
    private readonly LookupCache _lookups = lookups;

    /// <inheritdoc/>
    public static bool RankIsId => true;

    /// <inheritdoc/>
    public uint MaxRank => _ranks.MaxRank;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Symbol(ReadOnlySpan<byte> piece, int start, out int end)
    {
        end = start + 1;
        uint r = _byteRanks[piece[start]];
        if (r == RankTable.None) ThrowNoByte(piece[start]);
        return r;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Rank(ReadOnlySpan<byte> piece, int start, int mid, int end, uint left, uint right, out uint joined)
    {
        uint r = end - start == 2 ? _ranks.Pair(piece[start], piece[start + 1]) : _ranks.Get(piece[start..end], _lookups);
        joined = r;
        return r;
    }

    /// <summary>tiktoken needs every byte to be a token: a byte without one cannot be encoded at all.</summary>
    internal static void ThrowNoByte(byte b)
        => throw new EncodeException($"byte 0x{b:x2} has no token in this encoding (every single byte must be a mergeable token)");
}
