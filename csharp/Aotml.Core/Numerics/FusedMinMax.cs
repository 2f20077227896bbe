using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Aotml.Numerics;

/// <summary>
/// Minimum and maximum in one pass. TensorPrimitives has Min and Max as two passes; min-max scaling of an array
/// larger than the caches is bound by memory, and the second pass would cost a third of its bandwidth.
/// </summary>
internal static class FusedMinMax
{
    /// <summary>Returns (min, max) of <paramref name="x"/>, both NaN if any element is NaN (as numpy's min/max).</summary>
    public static (T Min, T Max) Compute<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty) return (T.NaN, T.NaN);
        int i = 0;
        T min = x[0], max = x[0];
        bool nan = false;
        if (Vector256.IsHardwareAccelerated && x.Length >= 4 * Vector256<T>.Count)
        {
            ref T start = ref MemoryMarshal.GetReference(x);
            var mn0 = Vector256.LoadUnsafe(ref start); var mx0 = mn0; var ok0 = Vector256.Equals(mn0, mn0);
            var mn1 = mn0; var mx1 = mn0; var ok1 = ok0;
            int step = 2 * Vector256<T>.Count, last = x.Length - step;
            for (; i <= last; i += step)
            {
                // MinNative/MaxNative map to a single instruction; NaN is tracked separately by v == v.
                var a = Vector256.LoadUnsafe(ref start, (nuint)i);
                var b = Vector256.LoadUnsafe(ref start, (nuint)(i + Vector256<T>.Count));
                mn0 = Vector256.MinNative(mn0, a); mx0 = Vector256.MaxNative(mx0, a); ok0 &= Vector256.Equals(a, a);
                mn1 = Vector256.MinNative(mn1, b); mx1 = Vector256.MaxNative(mx1, b); ok1 &= Vector256.Equals(b, b);
            }
            var mn = Vector256.MinNative(mn0, mn1); var mx = Vector256.MaxNative(mx0, mx1);
            nan = !Vector256.EqualsAll((ok0 & ok1).AsByte(), Vector256<byte>.AllBitsSet);
            min = mn[0]; max = mx[0];
            for (int k = 1; k < Vector256<T>.Count; k++) { min = T.Min(min, mn[k]); max = T.Max(max, mx[k]); }
        }
        for (; i < x.Length; i++)
        {
            T v = x[i];
            if (T.IsNaN(v)) nan = true;
            else { if (v < min) min = v; if (v > max) max = v; }
        }
        return nan ? (T.NaN, T.NaN) : (min, max);
    }

    /// <summary>y = (x - offset) * scale + shift, in one pass (in place allowed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Affine<T>(ReadOnlySpan<T> x, Span<T> y, T offset, T scale, T shift) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<T>.Count)
        {
            ref T src = ref MemoryMarshal.GetReference(x);
            ref T dst = ref MemoryMarshal.GetReference(y);
            var o = Vector256.Create(offset); var s = Vector256.Create(scale); var h = Vector256.Create(shift);
            int last = x.Length - Vector256<T>.Count;
            for (; i <= last; i += Vector256<T>.Count)
                ((Vector256.LoadUnsafe(ref src, (nuint)i) - o) * s + h).StoreUnsafe(ref dst, (nuint)i);
        }
        for (; i < x.Length; i++) y[i] = (x[i] - offset) * scale + shift;
    }
}
