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

    /// <summary>
    /// y = ((x - a) - b) * s element-wise (a, b, s per column), optionally with non-temporal stores. The mean is
    /// passed as a + b, its float rounding a and the remainder b: x - a is exact near the mean, so the output keeps
    /// the precision the statistics were computed with.
    /// </summary>
    public static void SubtractMultiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> s, Span<T> y, bool stream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        fixed (T* px = x) fixed (T* pa = a) fixed (T* pb = b) fixed (T* ps = s) fixed (T* py = y)
        {
            if (stream)
            {
                // Scalars until the destination is 32-byte aligned, as the non-temporal store requires.
                for (; i < n && ((nuint)(py + i) & 31) != 0; i++) py[i] = (px[i] - pa[i] - pb[i]) * ps[i];
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    var v = (Vector256.Load(px + i) - Vector256.Load(pa + i) - Vector256.Load(pb + i)) * Vector256.Load(ps + i);
                    Vector256.StoreAlignedNonTemporal(v, py + i);
                }
            }
            else
            {
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    ((Vector256.Load(px + i) - Vector256.Load(pa + i) - Vector256.Load(pb + i)) * Vector256.Load(ps + i)).Store(py + i);
            }
            for (; i < n; i++) py[i] = (px[i] - pa[i] - pb[i]) * ps[i];
        }
    }

    /// <summary>
    /// y = ((x - hi) - lo) * r, then times w and plus b per element where <typeparamref name="TAffine"/> says so;
    /// optionally with non-temporal stores. The row mean is hi + lo (see <see cref="SubtractMultiply{T}"/>).
    /// </summary>
    public static void Normalize<T, TAffine>(ReadOnlySpan<T> x, Span<T> y, T hi, T lo, T r, ReadOnlySpan<T> w, ReadOnlySpan<T> b, bool stream)
        where T : unmanaged, IFloatingPointIeee754<T> where TAffine : struct, IAffine<T>
    {
        int n = x.Length, i = 0;
        fixed (T* px = x) fixed (T* py = y) fixed (T* pw = w) fixed (T* pb = b)
        {
            var vh = Vector256.Create(hi); var vl = Vector256.Create(lo); var vr = Vector256.Create(r);
            if (stream)
            {
                for (; i < n && ((nuint)(py + i) & 31) != 0; i++) py[i] = TAffine.Apply((px[i] - hi - lo) * r, pw, pb, i);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    Vector256.StoreAlignedNonTemporal(TAffine.Apply((Vector256.Load(px + i) - vh - vl) * vr, pw, pb, i), py + i);
            }
            else
            {
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    TAffine.Apply((Vector256.Load(px + i) - vh - vl) * vr, pw, pb, i).Store(py + i);
            }
            for (; i < n; i++) py[i] = TAffine.Apply((px[i] - hi - lo) * r, pw, pb, i);
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

/// <summary>The per-element tail of <see cref="Streaming.Normalize{T, TAffine}"/>: a type per case, so each loop is compiled without branches.</summary>
internal unsafe interface IAffine<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract Vector256<T> Apply(Vector256<T> v, T* w, T* b, int i);
    static abstract T Apply(T v, T* w, T* b, int i);
}

internal unsafe struct NoAffine<T> : IAffine<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static Vector256<T> Apply(Vector256<T> v, T* w, T* b, int i) => v;
    public static T Apply(T v, T* w, T* b, int i) => v;
}

internal unsafe struct WeightOnly<T> : IAffine<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static Vector256<T> Apply(Vector256<T> v, T* w, T* b, int i) => v * Vector256.Load(w + i);
    public static T Apply(T v, T* w, T* b, int i) => v * w[i];
}

internal unsafe struct BiasOnly<T> : IAffine<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static Vector256<T> Apply(Vector256<T> v, T* w, T* b, int i) => v + Vector256.Load(b + i);
    public static T Apply(T v, T* w, T* b, int i) => v + b[i];
}

internal unsafe struct WeightBias<T> : IAffine<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static Vector256<T> Apply(Vector256<T> v, T* w, T* b, int i) => v * Vector256.Load(w + i) + Vector256.Load(b + i);
    public static T Apply(T v, T* w, T* b, int i) => v * w[i] + b[i];
}
