using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aotml.Tokenization.Models.Bpe;

/// <summary>
/// The pair → (rank, joined id) table of a BPE vocabulary as an open-addressing hash map: one probe is one 16-byte
/// slot (key and value in the same cache line) found by a multiplicative hash of the pair. Read-only after
/// construction, so threads share it.
/// </summary>
/// <remarks>
/// Performance notes: <c>Dictionary&lt;ulong, ...&gt;</c> hashes a ulong as its two halves XORed, so pairs
/// (left, right) with equal <c>left ^ right</c> share a bucket; with 100k+ merges over ids below 2^17 its chains
/// grew long enough that the merge of deepseek_v3 ran at 0.7 MB/s. Fibonacci hashing of the whole key and linear
/// probing at load ≤ 1/2 make a lookup about one cache miss. Built straight from the merge rules (no dictionary in
/// between): Llama-3's 280k merges went into a Dictionary at load, 9% of its load time.
/// </remarks>
internal sealed class MergeMap
{
    // A free slot has rank None (no merge has that rank). Keys are BpeModel's mixed pair keys, which may take any
    // 64-bit value, so the key itself cannot mark a free slot.

    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public ulong Key;
        public uint Rank;
        public uint Id;
    }

    private readonly Slot[] _slots;
    private readonly int _shift;
    private readonly int _mask;

    /// <summary>
    /// The merges by rank (a pair listed twice keeps its last rank, as HF's map does), keyed by
    /// <see cref="BpeModel.Key"/> of the pair.
    /// </summary>
    public MergeMap(BpeMergeRule[] rules)
    {
        int bits = 4;
        while ((1 << bits) < rules.Length * 2) bits++;
        _slots = new Slot[1 << bits];
        _mask = (1 << bits) - 1;
        _shift = 64 - bits;
        foreach (ref var s in _slots.AsSpan()) s.Rank = IMergeTable.None;
        for (int r = 0; r < rules.Length; r++)
        {
            ulong key = BpeModel.Key(rules[r].Left, rules[r].Right);
            int i = Home(key);
            while (_slots[i].Rank != IMergeTable.None && _slots[i].Key != key) i = (i + 1) & _mask;
            _slots[i] = new Slot { Key = key, Rank = (uint)r, Id = rules[r].Joined };
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong key) => (int)(key >> _shift);   // the key is mixed already: its top bits are the hash

    /// <summary>The rank of merging <paramref name="left"/> with <paramref name="right"/>, or
    /// <see cref="IMergeTable.None"/>; <paramref name="joined"/> gets the merged id.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Rank(uint left, uint right, out uint joined)
    {
        ulong key = BpeModel.Key(left, right);
        ref Slot s0 = ref MemoryMarshal.GetArrayDataReference(_slots);
        int i = Home(key);
        while (true)
        {
            ref Slot s = ref Unsafe.Add(ref s0, i);
            if (s.Rank == IMergeTable.None) { joined = 0; return IMergeTable.None; }
            if (s.Key == key) { joined = s.Id; return s.Rank; }
            i = (i + 1) & _mask;
        }
    }
}
