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

    // What a hit needs first, 32 bytes a slot: the hash, the key's first 16 bytes, and the first token. A word of
    // one token and at most 16 bytes (most words) is then one cache line; longer keys and more tokens continue in
    // the flat arrays. Six parallel arrays before made a hit touch five lines, each a likely miss (the cache is
    // larger than L2): the hash check alone was 15% of the BERT fast path.
    [StructLayout(LayoutKind.Sequential)]
    private struct Head
    {
        public ulong Hash;     // 0 = empty
        public ulong K0, K1;   // Pack of the key
        public uint Id0;
        public byte KeyLen, Count, End0;
    }

    private readonly Head[] _heads = new Head[Slots];
    private readonly byte[] _keys = new byte[Slots * MaxKey];
    private readonly uint[] _ids = new uint[Slots * MaxTokens];
    private readonly byte[] _ends = new byte[Slots * MaxTokens];

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

    /// <summary>This thread's cache and its owner (weakly), for <see cref="Tokenization.WorkerState"/>.</summary>
    internal static object? TakeFromThread() => t_cache is { } c ? (c, new WeakReference(t_owner)) : null;

    /// <summary>Installs a cache taken by <see cref="TakeFromThread"/> on this thread.</summary>
    internal static void GiveToThread(object? taken)
    {
        if (taken is not (WordCache c, WeakReference owner)) return;
        t_cache = c;
        t_owner = owner.Target;   // null once the model is gone: For() then starts the cache afresh
    }

    private static WordCache Reset(object owner)
    {
        var c = t_cache ??= new WordCache();
        Array.Clear(c._heads);
        t_owner = owner;
        return c;
    }

    /// <summary>A hash of a piece of at most <see cref="MaxKey"/> bytes; never 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> s) => Text.ShortKeyHash.Of(s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SlotOf(ulong hash) => (int)(hash >> (64 - SlotBits));

    /// <summary>Adds the cached tokens of <paramref name="piece"/> to <paramref name="sink"/> and returns true, or
    /// returns false when the piece is not cached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEmit<TSink>(ReadOnlySpan<byte> piece, ulong hash, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        int slot = SlotOf(hash);
        ref Head h = ref _heads[slot];
        int n = piece.Length;
        if (h.Hash != hash || h.KeyLen != n) return false;
        Pack(piece, out ulong k0, out ulong k1);
        if (h.K0 != k0 || h.K1 != k1) return false;
        if (n > 16 && !ShortBytes.Equal(ref Unsafe.Add(ref MemoryMarshal.GetReference(piece), 16), ref _keys[slot * MaxKey + 16], n - 16))
            return false;
        int count = h.Count;
        sink.Add(h.Id0, offset, offset + h.End0);
        if (count == 1) return true;
        int at = slot * MaxTokens, start = offset + h.End0;
        for (int k = 1; k < count; k++)
        {
            int end = offset + _ends[at + k];
            sink.Add(_ids[at + k], start, end);
            start = end;
        }
        return true;
    }

    /// <summary>Asks the CPU to bring the slot of <paramref name="hash"/> into cache (a hint: a lookup a few words
    /// later then rarely waits on memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(ulong hash)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref _heads[SlotOf(hash)]));
    }

    // The first 16 bytes of a piece as two words, zero-padded: equal for two pieces of one length exactly when
    // those bytes are equal. Reads stay within the piece (overlapping reads, shifted).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pack(ReadOnlySpan<byte> p, out ulong k0, out ulong k1)
    {
        int n = p.Length;
        ref byte r = ref MemoryMarshal.GetReference(p);
        if (n >= 8)
        {
            k0 = Unsafe.ReadUnaligned<ulong>(ref r);
            k1 = n >= 16 ? Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, 8))
                : n == 8 ? 0 : Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, n - 8)) >> (8 * (16 - n));
            return;
        }
        k1 = 0;
        if (n >= 4)
        {
            ulong lo = Unsafe.ReadUnaligned<uint>(ref r), hi = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref r, n - 4));
            k0 = lo | (hi << (8 * (n - 4)));   // the overlap holds the same bytes in both
            return;
        }
        k0 = 0;
        for (int i = 0; i < n; i++) k0 |= (ulong)Unsafe.Add(ref r, i) << (8 * i);
    }

    /// <summary>Remembers the tokens of a piece (those within the size limits only).</summary>
    public void Put(ReadOnlySpan<byte> piece, ulong hash, ReadOnlySpan<uint> ids, ReadOnlySpan<int> ends)
    {
        if (piece.Length > MaxKey || ids.Length > MaxTokens || ids.Length == 0) return;
        int slot = SlotOf(hash);
        ref Head h = ref _heads[slot];
        h.Hash = hash;
        h.KeyLen = (byte)piece.Length;
        Pack(piece, out h.K0, out h.K1);
        h.Id0 = ids[0];
        h.End0 = (byte)ends[0];
        h.Count = (byte)ids.Length;
        piece.CopyTo(_keys.AsSpan(slot * MaxKey));
        ids.CopyTo(_ids.AsSpan(slot * MaxTokens));
        for (int k = 0; k < ends.Length; k++) _ends[slot * MaxTokens + k] = (byte)ends[k];
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
