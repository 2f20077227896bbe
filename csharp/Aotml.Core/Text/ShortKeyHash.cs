using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aotml.Text;

/// <summary>
/// The hash of the per-thread caches keyed by short byte strings (BPE/WordPiece words, SentencePiece segments):
/// eight bytes a step, the tail read overlapping, one final mix; a few nanoseconds for a word.
/// </summary>
internal static class ShortKeyHash
{
    /// <summary>A hash of <paramref name="s"/> (meant for keys of a few dozen bytes); never 0, so 0 can mark an
    /// empty slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ReadOnlySpan<byte> s)
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
            if (n >= 8) t = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, n - 8));   // overlaps: still a function of s
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
}
