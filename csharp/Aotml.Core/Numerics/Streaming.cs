using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Aotml.Numerics;

/// <summary>
/// Fused per-row transforms that can write with non-temporal stores. A kernel that must read its input twice (the
/// statistics first, then the transform) is bound by memory once the array outgrows the caches; a normal store then
/// also reads each destination line first (read-for-ownership), a third stream that non-temporal stores avoid.
/// </summary>
internal static unsafe class Streaming
{
    /// <summary>Arrays at least this large (bytes) are written with non-temporal stores when out is not x.</summary>
    public const long Threshold = 8L << 20;

    /// <summary>Whether writing <paramref name="y"/> should bypass the cache.</summary>
    public static bool ShouldStream<T>(ReadOnlySpan<T> x, Span<T> y, long count) =>
        Avx.IsSupported && count * Unsafe.SizeOf<T>() >= Threshold && !x.Overlaps(y);

    /// <summary>y = (x - a) * s element-wise (a, s per column), optionally with non-temporal stores.</summary>
    public static void SubtractMultiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> a, ReadOnlySpan<T> s, Span<T> y, bool stream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        fixed (T* px = x) fixed (T* pa = a) fixed (T* ps = s) fixed (T* py = y)
        {
            if (stream)
            {
                // Scalars until the destination is 32-byte aligned, as the non-temporal store requires.
                for (; i < n && ((nuint)(py + i) & 31) != 0; i++) py[i] = (px[i] - pa[i]) * ps[i];
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    var v = (Vector256.Load(px + i) - Vector256.Load(pa + i)) * Vector256.Load(ps + i);
                    Vector256.StoreAlignedNonTemporal(v, py + i);
                }
            }
            else
            {
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    ((Vector256.Load(px + i) - Vector256.Load(pa + i)) * Vector256.Load(ps + i)).Store(py + i);
            }
            for (; i < n; i++) py[i] = (px[i] - pa[i]) * ps[i];
        }
    }

    /// <summary>y = (x - offset) * scale + shift with scalars, optionally with non-temporal stores.</summary>
    public static void Affine<T>(ReadOnlySpan<T> x, Span<T> y, T offset, T scale, T shift, bool stream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!stream) { FusedMinMax.Affine(x, y, offset, scale, shift); return; }
        int n = x.Length, i = 0;
        fixed (T* px = x) fixed (T* py = y)
        {
            for (; i < n && ((nuint)(py + i) & 31) != 0; i++) py[i] = (px[i] - offset) * scale + shift;
            var o = Vector256.Create(offset); var sc = Vector256.Create(scale); var h = Vector256.Create(shift);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                Vector256.StoreAlignedNonTemporal((Vector256.Load(px + i) - o) * sc + h, py + i);
            for (; i < n; i++) py[i] = (px[i] - offset) * scale + shift;
        }
    }

    /// <summary>Orders the non-temporal stores before anything that follows (they are weakly ordered).</summary>
    public static void Fence()
    {
        if (Sse.IsSupported) Sse.StoreFence();
    }
}
