using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Aotml.Numerics;

/// <summary>
/// Normalization kernels over a C-contiguous array viewed as [Outer, Length, Inner] (see <see cref="AxisLayout"/>).
/// Span in, destination span out; y may be x itself (in place). Each kernel follows the numpy reference formula
/// named in its summary, including how NaN and infinity propagate.
/// </summary>
public static class Normalization
{
    /// <summary>x / max(‖x‖₂, eps) along the axis.</summary>
    public static void L2<T>(ReadOnlySpan<T> x, Span<T> y, AxisLayout l, T eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        l.CheckSpan(x.Length, y.Length);
        if (l.Inner == 1)
        {
            for (int o = 0; o < l.Outer; o++)
            {
                var row = x.Slice(o * l.Length, l.Length);
                T norm = TensorPrimitives.Norm(row);
                TensorPrimitives.Divide(row, T.Max(norm, eps), y.Slice(o * l.Length, l.Length));
            }
            return;
        }
        using var acc = new Scratch<T>(l.Inner);
        ForEachSlab(x, y, l, (xs, ys) =>
        {
            var s = acc.Span; s.Clear();
            for (int r = 0; r < l.Length; r++) { var row = xs.Slice(r * l.Inner, l.Inner); TensorPrimitives.MultiplyAdd(row, row, s, s); }
            TensorPrimitives.Sqrt(s, s);
            TensorPrimitives.Max(s, eps, s);
            for (int r = 0; r < l.Length; r++) TensorPrimitives.Divide(xs.Slice(r * l.Inner, l.Inner), s, ys.Slice(r * l.Inner, l.Inner));
        });
    }

    /// <summary>(x - min) / (max - min) * (hi - lo) + lo along the axis; a constant slice maps to lo (as scikit-learn).</summary>
    public static void MinMax<T>(ReadOnlySpan<T> x, Span<T> y, AxisLayout l, T lo, T hi) where T : unmanaged, IFloatingPointIeee754<T>
    {
        l.CheckSpan(x.Length, y.Length);
        if (l.Inner == 1)
        {
            bool stream = Streaming.ShouldStream(x, y, l.Count);
            for (int o = 0; o < l.Outer; o++)
            {
                var row = x.Slice(o * l.Length, l.Length);
                var (min, max) = FusedMinMax.Compute(row);
                Streaming.Affine(row, y.Slice(o * l.Length, l.Length), min, RangeScale(min, max, lo, hi), lo, stream);
            }
            if (stream) Streaming.Fence();
            return;
        }
        using var mins = new Scratch<T>(l.Inner);
        using var scale = new Scratch<T>(l.Inner);
        ForEachSlab(x, y, l, (xs, ys) =>
        {
            Span<T> mn = mins.Span, sc = scale.Span;
            xs.Slice(0, l.Inner).CopyTo(mn);
            xs.Slice(0, l.Inner).CopyTo(sc);
            for (int r = 1; r < l.Length; r++)
            {
                var row = xs.Slice(r * l.Inner, l.Inner);
                TensorPrimitives.Min(mn, row, mn);
                TensorPrimitives.Max(sc, row, sc);
            }
            for (int j = 0; j < l.Inner; j++) sc[j] = RangeScale(mn[j], sc[j], lo, hi);
            for (int r = 0; r < l.Length; r++)
            {
                var yr = ys.Slice(r * l.Inner, l.Inner);
                TensorPrimitives.Subtract(xs.Slice(r * l.Inner, l.Inner), mn, yr);
                TensorPrimitives.MultiplyAdd(yr, sc, lo, yr);
            }
        });
    }

    private static T RangeScale<T>(T min, T max, T lo, T hi) where T : IFloatingPointIeee754<T>
    {
        T range = max - min;
        // scikit-learn's rule: a zero range scales by 1, so the constant slice lands on lo instead of NaN.
        return range == T.Zero ? T.One : (hi - lo) / range;
    }

    /// <summary>(x - mean) / max(std, eps) along the axis, std with <paramref name="ddof"/> delta degrees of freedom.</summary>
    /// <remarks>
    /// The statistics are accumulated in double (see <see cref="RowStats"/> and <see cref="ColumnStats{T}"/>), the
    /// mean reaches the transform as a float plus its remainder, and the reciprocal of the std is formed in double;
    /// so float32 results stay within a few ulps of the float64 formula on any length and offset.
    /// </remarks>
    public static void Standardize<T>(ReadOnlySpan<T> x, Span<T> y, AxisLayout l, T eps, int ddof) where T : unmanaged, IFloatingPointIeee754<T>
    {
        l.CheckSpan(x.Length, y.Length);
        if (ddof < 0) throw new ArgumentOutOfRangeException(nameof(ddof), $"ddof must be >= 0, got {ddof}");
        double denom = (double)l.Length - ddof, e = double.CreateTruncating(eps);
        bool stream = Streaming.ShouldStream(x, y, l.Count);
        if (l.Inner == 1)
        {
            if (l.Length == 0) return;
            for (int o = 0; o < l.Outer; o++)
            {
                var row = x.Slice(o * l.Length, l.Length);
                var (mean, m2) = RowStats.Moments(row);
                var (hi, lo) = Split<T>(mean);
                T r = T.CreateTruncating(1 / Math.Max(Math.Sqrt(m2 / denom), e));
                Streaming.Normalize<T, NoAffine<T>>(row, y.Slice(o * l.Length, l.Length), hi, lo, r, default, default, stream);
            }
            if (stream) Streaming.Fence();
            return;
        }
        using var stats = new ColumnStats<T>(l.Inner);
        ForEachSlab(x, y, l, (xs, ys) =>
        {
            stats.Accumulate(xs, l.Length);
            stats.Scaling(denom, e, out var hi, out var lo, out var rstd);
            for (int r = 0; r < l.Length; r++)
                Streaming.SubtractMultiply(xs.Slice(r * l.Inner, l.Inner), hi, lo, rstd, ys.Slice(r * l.Inner, l.Inner), stream);
        });
        if (stream) Streaming.Fence();
    }

    // A double mean as T plus the remainder: x - hi is exact for x near the mean, and subtracting lo after it
    // recovers what rounding the mean to float32 would lose (up to half an ulp of the offset, ~5e-4 at 1e4).
    private static (T Hi, T Lo) Split<T>(double mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T hi = T.CreateTruncating(mean);
        return (hi, T.CreateTruncating(mean - double.CreateTruncating(hi)));
    }

    /// <summary>exp(x - max) / Σ exp(x - max) along the axis; with <paramref name="log"/>, (x - max) - log Σ exp(x - max).</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, Span<T> y, AxisLayout l, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        l.CheckSpan(x.Length, y.Length);
        if (l.Length == 0) return;
        if (l.Inner == 1)
        {
            using var tmp = new Scratch<T>(log ? l.Length : 0);
            for (int o = 0; o < l.Outer; o++)
            {
                var row = x.Slice(o * l.Length, l.Length);
                var yr = y.Slice(o * l.Length, l.Length);
                if (typeof(T) == typeof(float) && VectorExp.IsSupported)
                {
                    SoftmaxRow(MemoryMarshal.Cast<T, float>(row), MemoryMarshal.Cast<T, float>(yr), log);
                    continue;
                }
                TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), yr);
                if (log)
                {
                    TensorPrimitives.Exp(yr, tmp.Span);
                    TensorPrimitives.Subtract(yr, T.Log(TensorPrimitives.Sum<T>(tmp.Span)), yr);
                }
                else
                {
                    TensorPrimitives.Exp(yr, yr);
                    TensorPrimitives.Divide(yr, TensorPrimitives.Sum<T>(yr), yr);
                }
            }
            return;
        }
        using var maxes = new Scratch<T>(l.Inner);
        using var sums = new Scratch<T>(l.Inner);
        using var scratchRow = new Scratch<T>(l.Inner);
        ForEachSlab(x, y, l, (xs, ys) =>
        {
            Span<T> mx = maxes.Span, sm = sums.Span, t = scratchRow.Span;
            xs.Slice(0, l.Inner).CopyTo(mx);
            for (int r = 1; r < l.Length; r++) TensorPrimitives.Max(mx, xs.Slice(r * l.Inner, l.Inner), mx);
            sm.Clear();
            for (int r = 0; r < l.Length; r++)
            {
                TensorPrimitives.Subtract(xs.Slice(r * l.Inner, l.Inner), mx, t);
                TensorPrimitives.Exp(t, t);
                TensorPrimitives.Add(sm, t, sm);
            }
            if (log) TensorPrimitives.Log(sm, sm);
            for (int r = 0; r < l.Length; r++)
            {
                var yr = ys.Slice(r * l.Inner, l.Inner);
                TensorPrimitives.Subtract(xs.Slice(r * l.Inner, l.Inner), mx, yr);
                if (log) TensorPrimitives.Subtract(yr, sm, yr);
                else { TensorPrimitives.Exp(yr, yr); TensorPrimitives.Divide(yr, sm, yr); }
            }
        });
    }

    private static void SoftmaxRow(ReadOnlySpan<float> row, Span<float> yr, bool log)
    {
        float max = FusedMinMax.Compute(row).Max;
        if (log)
        {
            // Σ exp is taken without storing it, so x may be y (in place).
            float lse = MathF.Log(VectorExp.SumExpShifted(row, max));
            TensorPrimitives.Subtract(row, max, yr);
            TensorPrimitives.Subtract(yr, lse, yr);
        }
        else
        {
            float sum = VectorExp.ExpShiftedSum(row, max, yr);
            TensorPrimitives.Multiply(yr, 1f / sum, yr); // a multiply is 5x cheaper than a divide, for ≤ 1 ulp
        }
    }

    /// <summary>
    /// (x - mean) / sqrt(var + eps) * weight + bias over rows of <paramref name="n"/> (biased variance, as
    /// torch.nn.functional.layer_norm). Weight and bias are optional (empty span) and must not overlap y.
    /// </summary>
    public static void LayerNorm<T>(ReadOnlySpan<T> x, Span<T> y, int n, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n < 0 || (n == 0 ? x.Length != 0 : x.Length % n != 0)) throw new ArgumentException($"array of {x.Length} elements is not a whole number of rows of {n}");
        if (y.Length < x.Length) throw new ArgumentException("destination is shorter than the input");
        if (!weight.IsEmpty && weight.Length != n) throw new ArgumentException($"weight has {weight.Length} elements, expected {n} (the last axis)");
        if (!bias.IsEmpty && bias.Length != n) throw new ArgumentException($"bias has {bias.Length} elements, expected {n} (the last axis)");
        y = y.Slice(0, x.Length);
        // Rows are written one after another while weight and bias are read for every row, so they may not share
        // memory with the output (not even out=weight: the second row would read the first row's result).
        if (weight.Overlaps(y)) throw new ArgumentException("weight overlaps out; pass a separate array for out (or a copy of weight)");
        if (bias.Overlaps(y)) throw new ArgumentException("bias overlaps out; pass a separate array for out (or a copy of bias)");
        if (n == 0) return;
        bool stream = Streaming.ShouldStream(x, y, x.Length);
        if (weight.IsEmpty && bias.IsEmpty) LayerNormRows<T, NoAffine<T>>(x, y, n, weight, bias, eps, stream);
        else if (bias.IsEmpty) LayerNormRows<T, WeightOnly<T>>(x, y, n, weight, bias, eps, stream);
        else if (weight.IsEmpty) LayerNormRows<T, BiasOnly<T>>(x, y, n, weight, bias, eps, stream);
        else LayerNormRows<T, WeightBias<T>>(x, y, n, weight, bias, eps, stream);
        if (stream) Streaming.Fence();
    }

    private static void LayerNormRows<T, TAffine>(ReadOnlySpan<T> x, Span<T> y, int n, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, T eps, bool stream)
        where T : unmanaged, IFloatingPointIeee754<T> where TAffine : struct, IAffine<T>
    {
        double e = double.CreateTruncating(eps);
        for (int o = 0; o < x.Length; o += n)
        {
            var row = x.Slice(o, n);
            var (mean, m2) = RowStats.Moments(row);
            var (hi, lo) = Split<T>(mean);
            T r = T.CreateTruncating(1 / Math.Sqrt(m2 / n + e));
            Streaming.Normalize<T, TAffine>(row, y.Slice(o, n), hi, lo, r, weight, bias, stream);
        }
    }

    // Column kernels work one [Length, Inner] slab at a time; the outer slabs are independent.
    private delegate void SlabAction<T>(ReadOnlySpan<T> xs, Span<T> ys);

    private static void ForEachSlab<T>(ReadOnlySpan<T> x, Span<T> y, AxisLayout l, SlabAction<T> action)
    {
        int slab = l.Length * l.Inner;
        if (slab == 0) return;
        for (int o = 0; o < l.Outer; o++) action(x.Slice(o * slab, slab), y.Slice(o * slab, slab));
    }
}
