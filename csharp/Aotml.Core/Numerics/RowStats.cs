using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Aotml.Numerics;

/// <summary>
/// Mean and sum of squared deviations of one contiguous row, in one pass over memory, accumulated in double.
/// </summary>
/// <remarks>
/// Performance notes. The old row path summed float32 rows in float32 (TensorPrimitives.Sum: eight lanes, each adding
/// 125 000 terms near 1e4 for a million-element row) and lost the mean by ~1 and z-scores by ~5, where numpy's pairwise
/// float32 sum stays near 1e-3. It also made five passes (Sum, Subtract, SumOfSquares, Divide in place): three reads
/// and two writes per element. This code accumulates in double, fed by widened floats, with four independent chains
/// of sums and of squares so that the add latency overlaps; deviations are taken from the row's first element, so a
/// large offset never reaches the sums, and in double the remaining s2 - s1²/n cancellation costs at most n·2⁻⁵³
/// relative (the first element lies within the data). With the fused transform after it a row costs two reads and
/// one write: on 100000×384 and 1×10⁷ float32, standardize along rows ran ~1.06× and ~2.7× faster than before and
/// layer_norm ~1.3× (medians of interleaved runs on a shared machine). Blocked float32 sums merged in double (as
/// <see cref="ColumnStats{T}"/> does for columns, where each column is one vector lane and double lanes would halve
/// the work per instruction) were not needed here: the widening costs less than the memory it waits on.
/// </remarks>
internal static class RowStats
{
    /// <summary>(mean, Σ (x - mean)²) of <paramref name="x"/>; NaN if any element is NaN or infinite, as numpy's.</summary>
    public static (double Mean, double M2) Moments<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty) return (double.NaN, double.NaN);
        double shift = double.CreateTruncating(x[0]);
        var (s1, s2) = typeof(T) == typeof(float)
            ? ShiftedSums(MemoryMarshal.Cast<T, float>(x), shift)
            : ShiftedSums(MemoryMarshal.Cast<T, double>(x), shift);
        int n = x.Length;
        // An infinite x[0] makes every deviation NaN or infinite; inf - inf below then gives NaN, as numpy's.
        return (shift + s1 / n, Math.Max(0, s2 - s1 * s1 / n));
    }

    private static (double S1, double S2) ShiftedSums(ReadOnlySpan<float> x, double shift)
    {
        int i = 0, n = x.Length;
        double s1 = 0, s2 = 0;
        if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            ref float p = ref MemoryMarshal.GetReference(x);
            var sh = Vector256.Create(shift);
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<double> q0 = default, q1 = default, q2 = default, q3 = default;
            for (; i <= n - 16; i += 16)
            {
                var (l0, h0) = Vector256.Widen(Vector256.LoadUnsafe(ref p, (nuint)i));
                var (l1, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref p, (nuint)(i + 8)));
                l0 -= sh; h0 -= sh; l1 -= sh; h1 -= sh;
                a0 += l0; a1 += h0; a2 += l1; a3 += h1;
                q0 += l0 * l0; q1 += h0 * h0; q2 += l1 * l1; q3 += h1 * h1;
            }
            s1 = Vector256.Sum((a0 + a1) + (a2 + a3));
            s2 = Vector256.Sum((q0 + q1) + (q2 + q3));
        }
        for (; i < n; i++) { double d = x[i] - shift; s1 += d; s2 += d * d; }
        return (s1, s2);
    }

    private static (double S1, double S2) ShiftedSums(ReadOnlySpan<double> x, double shift)
    {
        int i = 0, n = x.Length;
        double s1 = 0, s2 = 0;
        if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            ref double p = ref MemoryMarshal.GetReference(x);
            var sh = Vector256.Create(shift);
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<double> q0 = default, q1 = default, q2 = default, q3 = default;
            for (; i <= n - 16; i += 16)
            {
                var d0 = Vector256.LoadUnsafe(ref p, (nuint)i) - sh;
                var d1 = Vector256.LoadUnsafe(ref p, (nuint)(i + 4)) - sh;
                var d2 = Vector256.LoadUnsafe(ref p, (nuint)(i + 8)) - sh;
                var d3 = Vector256.LoadUnsafe(ref p, (nuint)(i + 12)) - sh;
                a0 += d0; a1 += d1; a2 += d2; a3 += d3;
                q0 += d0 * d0; q1 += d1 * d1; q2 += d2 * d2; q3 += d3 * d3;
            }
            s1 = Vector256.Sum((a0 + a1) + (a2 + a3));
            s2 = Vector256.Sum((q0 + q1) + (q2 + q3));
        }
        for (; i < n; i++) { double d = x[i] - shift; s1 += d; s2 += d * d; }
        return (s1, s2);
    }
}
