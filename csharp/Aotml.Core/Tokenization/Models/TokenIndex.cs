using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aotml.Tokenization.Models;

/// <summary>
/// UTF-8 token → id over tokens stored in one byte array: open addressing with linear probing, each slot holding the
/// token's hash tag, id, start and length, so a probe reads one slot and compares bytes only when the tags agree.
/// Immutable once built; lookups are thread-safe.
/// </summary>
internal sealed class TokenIndex
{
    private struct Slot
    {
        public uint Tag;      // low hash bits, 0: empty (a real tag of 0 is stored as 1)
        public uint Id;
        public int Start, Length;
    }

    private readonly byte[] _utf8;
    private readonly Slot[] _slots;
    private readonly int _shift;

    /// <summary>An empty index for up to <paramref name="capacity"/> tokens stored in <paramref name="utf8"/>.</summary>
    public TokenIndex(byte[] utf8, int capacity)
    {
        _utf8 = utf8;
        int bits = Math.Max(4, BitOperations.Log2((uint)Math.Max(1, capacity)) + 2);   // load factor at most 1/2
        _slots = new Slot[1 << bits];
        _shift = 64 - bits;
    }

    /// <summary>
    /// Adds the token <c>utf8[start..start+length]</c>, or when it is already there gives it <paramref name="id"/>
    /// and returns false with its former id in <paramref name="previous"/>.
    /// </summary>
    public bool Set(int start, int length, uint id, out uint previous)
    {
        previous = 0;
        var key = _utf8.AsSpan(start, length);
        ulong h = Hash(key);
        uint tag = Tag(h);
        int mask = _slots.Length - 1;
        for (int i = (int)(h >> _shift); ; i = (i + 1) & mask)
        {
            ref var s = ref _slots[i];
            if (s.Tag == 0)
            {
                s = new Slot { Tag = tag, Id = id, Start = start, Length = length };
                return true;
            }
            if (s.Tag == tag && s.Length == length && SameBytes(key, s.Start))
            {
                previous = s.Id;
                s.Id = id;
                return false;
            }
        }
    }

    /// <summary>Every token's start, length and id, in no particular order.</summary>
    public IEnumerable<(int Start, int Length, uint Id)> Entries()
    {
        foreach (var s in _slots)
            if (s.Tag != 0) yield return (s.Start, s.Length, s.Id);
    }

    /// <summary>Asks the cache for the slot where a lookup of <paramref name="key"/> starts (a lookup soon after then
    /// finds it in cache: several in flight at once hide the memory latency of a large table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(ReadOnlySpan<byte> key)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        int i = (int)(Hash(key) >> _shift);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref _slots[i]));
    }

    // A bit per hash (bits 24.. of it) of every token, 16-32 bits a token: a lookup that misses (most of WordPiece's,
    // which tries the longest candidates first) is then mostly answered by a table 1/16 the size of the slots, in
    // cache, rather than by a probe of the slots. Built on request (BPE lookups nearly all hit); its size gives its
    // mask, so a thread that sees the array sees a complete filter.
    private ulong[]? _filter;

    /// <summary>Builds the filter <see cref="TryGetFiltered"/> uses (any thread may; they build equal ones).</summary>
    public void BuildFilter()
    {
        if (_filter != null) return;
        int count = 0;
        foreach (var s in _slots) if (s.Tag != 0) count++;
        int bits = Math.Max(6, BitOperations.Log2((uint)Math.Max(1, count)) + 5);
        var filter = new ulong[1 << (bits - 6)];
        int mask = (1 << bits) - 1;
        foreach (var (start, length, _) in Entries())
        {
            int b = (int)(Hash(_utf8.AsSpan(start, length)) >> 24) & mask;
            filter[b >> 6] |= 1UL << b;
        }
        _filter = filter;
    }

    /// <summary><see cref="TryGetValue"/> that first asks the filter (<see cref="BuildFilter"/>; without one it is
    /// the same).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetFiltered(ReadOnlySpan<byte> key, out uint id)
    {
        if (_filter is { } f)
        {
            int b = (int)(Hash(key) >> 24) & (f.Length * 64 - 1);
            if ((f[b >> 6] & (1UL << b)) == 0) { id = 0; return false; }
        }
        return TryGetValue(key, out id);
    }

    /// <summary>The id of a UTF-8 token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<byte> key, out uint id)
    {
        ulong h = Hash(key);
        uint tag = Tag(h);
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = (int)(h >> _shift); ; i = (i + 1) & mask)
        {
            ref var s = ref slots[i];
            if (s.Tag == 0) break;
            if (s.Tag == tag && s.Length == key.Length && SameBytes(key, s.Start))
            {
                id = s.Id;
                return true;
            }
        }
        id = 0;
        return false;
    }

    // key == _utf8[start..start+key.Length] (the caller checked the lengths agree).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool SameBytes(ReadOnlySpan<byte> key, int start) =>
        ShortBytes.Equal(ref MemoryMarshal.GetReference(key), ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_utf8), start), key.Length);

    private static uint Tag(ulong h) => (uint)h | ((uint)h == 0 ? 1u : 0u);

    // 8 bytes at a time, each word folded in with a multiply; the top bits pick the slot, the low bits are the tag.
    private static ulong Hash(ReadOnlySpan<byte> s)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)s.Length;
        int i = 0;
        for (; i + 8 <= s.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(s[i..])) * 0xFF51AFD7ED558CCDUL;
            h ^= h >> 32;
        }
        if (i < s.Length)
        {
            ulong w = 0;
            for (int k = s.Length - 1; k >= i; k--) w = (w << 8) | s[k];
            h = (h ^ w) * 0xFF51AFD7ED558CCDUL;
            h ^= h >> 32;
        }
        h *= 0xC4CEB9FE1A85EC53UL;
        return h ^ (h >> 29);
    }
}
