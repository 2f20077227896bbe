using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aotml.Tokenization.Models;

/// <summary>Byte-string equality for the short keys of the token tables and word caches, inlined.</summary>
/// <remarks>
/// Performance notes: tokens and words are mostly under 16 bytes; there SequenceEqual's call and length dispatch
/// cost about as much as the compare itself (a lookup per merge at load, one per word when encoding).
/// </remarks>
internal static class ShortBytes
{
    /// <summary>Whether the <paramref name="n"/> bytes at <paramref name="a"/> and <paramref name="b"/> are equal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(ref byte a, ref byte b, int n)
    {
        if (n >= 8)
        {
            if (n > 16) return MemoryMarshal.CreateReadOnlySpan(ref a, n).SequenceEqual(MemoryMarshal.CreateReadOnlySpan(ref b, n));
            // two overlapping words cover 8..16 bytes
            return Unsafe.ReadUnaligned<ulong>(ref a) == Unsafe.ReadUnaligned<ulong>(ref b)
                && Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, n - 8)) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, n - 8));
        }
        if (n >= 4)
            return Unsafe.ReadUnaligned<uint>(ref a) == Unsafe.ReadUnaligned<uint>(ref b)
                && Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref a, n - 4)) == Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, n - 4));
        for (int i = 0; i < n; i++) if (Unsafe.Add(ref a, i) != Unsafe.Add(ref b, i)) return false;
        return true;
    }
}
