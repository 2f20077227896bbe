using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aotml.Tokenization.Models.Bpe;

/// <summary>
/// A per-thread, direct-mapped cache of tokenized pieces for one model: piece bytes → token ids and their end
/// offsets within the piece. HF keeps such a cache of words under 256 characters (10,000 entries behind a lock);
/// this one is per thread, so it needs no lock, and direct-mapped (a new entry evicts the slot's old one), so a
/// lookup is a hash, one compare and a copy.
/// </summary>
/// <remarks>
/// Performance notes: natural text repeats its words; on the English, code and man-page corpora 85-95% of
/// llama3/deepseek_v3 pieces hit a 4096-slot cache, and a hit costs about a tenth of a merge. Keys and tokens
/// live in flat arrays (no per-entry objects for the GC to trace). A model's results are a pure function of the
/// piece bytes (dropout off), so nothing but the owner needs checking.
/// </remarks>
internal sealed class WordCache
{
    /// <summary>Longest piece (in UTF-8 bytes) that is cached.</summary>
    public const int MaxKey = 64;
    /// <summary>Most tokens a cached piece may have.</summary>
    public const int MaxTokens = 16;
    private const int SlotBits = 13, Slots = 1 << SlotBits;

    private readonly ulong[] _hash = new ulong[Slots];         // 0 = empty
    private readonly byte[] _keys = new byte[Slots * MaxKey];
    private readonly uint[] _ids = new uint[Slots * MaxTokens];
    private readonly byte[] _ends = new byte[Slots * MaxTokens];
    private readonly byte[] _keyLen = new byte[Slots];
    private readonly byte[] _count = new byte[Slots];

    /// <summary>A recorder over this cache's own buffers, for a piece of at most <see cref="MaxKey"/> bytes (so at
    /// most as many tokens): a miss then allocates nothing. Valid until the next call.</summary>
    public Recorder Record() => new(_recIds, _recEnds);

    private readonly uint[] _recIds = new uint[MaxKey];
    private readonly int[] _recEnds = new int[MaxKey];

    [ThreadStatic] private static WordCache? t_cache;
    [ThreadStatic] private static object? t_owner;

    /// <summary>This thread's cache for <paramref name="owner"/> (a thread switching models starts afresh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WordCache For(object owner)
    {
        var c = t_cache;
        if (c != null && ReferenceEquals(t_owner, owner)) return c;
        return Reset(owner);
    }

    private static WordCache Reset(object owner)
    {
        var c = t_cache ??= new WordCache();
        Array.Clear(c._hash);
        t_owner = owner;
        return c;
    }

    /// <summary>A hash of a piece of at most <see cref="MaxKey"/> bytes; never 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> s)
    {
        const ulong K = 0x9E3779B97F4A7C15UL;
        ref byte r = ref MemoryMarshal.GetReference(s);
        int n = s.Length, i = 0;
        ulong h = (ulong)n * K;
        for (; i + 8 <= n; i += 8)
            h = BitOperations.RotateLeft((h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, i))) * K, 31);
        if (i < n)
        {
            ulong t;
            if (n >= 8) t = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, n - 8));   // overlaps; still a function of s
            else
            {
                t = 0;
                for (int k = 0; k < n; k++) t |= (ulong)Unsafe.Add(ref r, k) << (8 * k);
            }
            h = BitOperations.RotateLeft((h ^ t) * K, 31);
        }
        h ^= h >> 29;
        h *= K;
        return h | 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SlotOf(ulong hash) => (int)(hash >> (64 - SlotBits));

    /// <summary>Adds the cached tokens of <paramref name="piece"/> to <paramref name="sink"/> and returns true, or
    /// returns false when the piece is not cached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEmit<TSink>(ReadOnlySpan<byte> piece, ulong hash, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        int slot = SlotOf(hash);
        if (_hash[slot] != hash || _keyLen[slot] != piece.Length
            || !ShortBytes.Equal(ref MemoryMarshal.GetReference(piece), ref _keys[slot * MaxKey], piece.Length))
            return false;
        int count = _count[slot], at = slot * MaxTokens, start = offset;
        for (int k = 0; k < count; k++)
        {
            int end = offset + _ends[at + k];
            sink.Add(_ids[at + k], start, end);
            start = end;
        }
        return true;
    }

    /// <summary>Remembers the tokens of a piece (those within the size limits only).</summary>
    public void Put(ReadOnlySpan<byte> piece, ulong hash, ReadOnlySpan<uint> ids, ReadOnlySpan<int> ends)
    {
        if (piece.Length > MaxKey || ids.Length > MaxTokens) return;
        int slot = SlotOf(hash);
        _hash[slot] = hash;
        _keyLen[slot] = (byte)piece.Length;
        piece.CopyTo(_keys.AsSpan(slot * MaxKey));
        ids.CopyTo(_ids.AsSpan(slot * MaxTokens));
        for (int k = 0; k < ends.Length; k++) _ends[slot * MaxTokens + k] = (byte)ends[k];
        _count[slot] = (byte)ids.Length;
    }

    /// <summary>Records a piece's tokens (ids and end offsets; the tokens tile the piece from 0) for <see cref="Put"/>.</summary>
    public struct Recorder(uint[] ids, int[] ends) : ITokenSink
    {
        /// <summary>The ids recorded.</summary>
        public readonly uint[] Ids = ids;
        /// <summary>Their end offsets in the piece.</summary>
        public readonly int[] Ends = ends;
        /// <summary>How many were recorded.</summary>
        public int Count;

        /// <inheritdoc/>
        public static bool WantsOffsets => true;

        /// <inheritdoc/>
        public void Add(uint id, int start, int end)
        {
            Ids[Count] = id;
            Ends[Count++] = end;
        }
    }
}
