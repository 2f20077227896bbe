using System.Runtime.CompilerServices;
using Aotml.Text;

namespace Aotml.Tokenization.Models.Bpe;

/// <summary>
/// A Hugging Face style BPE vocabulary as a merge table: the initial symbols are the characters of a piece, looked
/// up in the vocabulary; merge r of the merges list joins two token ids with rank r into the id of their
/// concatenation. Immutable after construction.
/// </summary>
/// <remarks>
/// Prefixes and suffixes (continuing_subword_prefix, end_of_word_suffix), byte fallback and dropout belong to the
/// BPE model that uses this table. A character without a vocabulary entry becomes <c>unk</c> if one is given;
/// otherwise it is an <see cref="EncodeException"/>.
/// </remarks>
public sealed class PairMerges
{
    private readonly Dictionary<int, uint> _chars = new();            // single-character tokens by code point
    private readonly Dictionary<ulong, (uint Rank, uint Id)> _merges = new();
    private readonly uint? _unk;

    /// <summary>Upper bound of the ranks (the number of merges - 1, at least 0).</summary>
    public uint MaxRank { get; }

    /// <summary>
    /// Builds the table; <see cref="ConfigurationException"/> when a merge names a token that is not in
    /// <paramref name="vocab"/> or whose concatenation is not, or when a pair is listed twice.
    /// </summary>
    public PairMerges(IReadOnlyDictionary<string, uint> vocab, IReadOnlyList<(string Left, string Right)> merges, string? unk = null)
    {
        foreach (var (token, id) in vocab)
        {
            var runes = token.EnumerateRunes();
            if (runes.MoveNext() && !runes.MoveNext()) _chars[token.EnumerateRunes().First().Value] = id;
        }
        if (unk != null)
        {
            if (!vocab.TryGetValue(unk, out uint u)) throw new ConfigurationException($"the unknown token {unk} is not in the vocabulary");
            _unk = u;
        }
        for (int r = 0; r < merges.Count; r++)
        {
            var (left, right) = merges[r];
            uint a = Id(vocab, left, r), b = Id(vocab, right, r), joined = Id(vocab, left + right, r);
            if (!_merges.TryAdd(Key(a, b), ((uint)r, joined)))
                throw new ConfigurationException($"merge {r} ({left} {right}) is listed twice");
        }
        MaxRank = (uint)Math.Max(0, merges.Count - 1);
    }

    private static uint Id(IReadOnlyDictionary<string, uint> vocab, string token, int merge)
        => vocab.TryGetValue(token, out uint id) ? id : throw new ConfigurationException($"merge {merge}: {token} is not in the vocabulary");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key(uint left, uint right) => ((ulong)left << 32) | right;

    /// <summary>This vocabulary as a merge table for <see cref="BpeMerge"/>.</summary>
    public Table AsTable() => new(this);

    /// <summary>The merge table over a <see cref="PairMerges"/>.</summary>
    public readonly struct Table(PairMerges merges) : IMergeTable
    {
        /// <inheritdoc/>
        public static bool RankIsId => false;

        /// <inheritdoc/>
        public uint MaxRank => merges.MaxRank;

        /// <inheritdoc/>
        public uint Symbol(ReadOnlySpan<byte> piece, int start, out int end)
        {
            int cp = Utf8.Decode(piece, start, out int len);
            end = start + len;
            if (cp >= 0 && merges._chars.TryGetValue(cp, out uint id)) return id;
            if (merges._unk is uint unk) return unk;
            throw new EncodeException(cp < 0
                ? $"byte 0x{piece[start]:x2} at {start} is not valid UTF-8"
                : $"the character U+{cp:X4} is not in the vocabulary and there is no unknown token");
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Rank(ReadOnlySpan<byte> piece, int start, int mid, int end, uint left, uint right, out uint joined)
        {
            if (merges._merges.TryGetValue(Key(left, right), out var m)) { joined = m.Id; return m.Rank; }
            joined = 0;
            return IMergeTable.None;
        }
    }
}
