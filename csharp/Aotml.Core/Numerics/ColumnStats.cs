using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Aotml.Numerics;

/// <summary>
/// Per-column mean and variance of a [rows, width] slab in one pass over memory. Rows are taken in blocks of at most
/// 256; each block sums, in T, deviations from a value near the column mean (small values, so no cancellation on a
/// large offset as in E[x²] - E[x]²), and blocks are merged in double precision with Chan's parallel formula.
/// </summary>
internal sealed class ColumnStats<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int BlockBytes = 128 * 1024;
    // Each column's float32 sums add at most this many terms in a row (a narrow slab would otherwise make a block
    // of thousands of rows, and a sequential float32 sum of thousands of squares loses ~1e-5).
    private const int MaxBlockRows = 256;
    private readonly int _width;
    private readonly Scratch<T> _blockSum, _blockM2, _shift, _mean, _lo, _std;
    private readonly double[] _runMean, _runM2;
    private long _count;

    public ColumnStats(int width)
    {
        _width = width;
        _blockSum = new Scratch<T>(width); _blockM2 = new Scratch<T>(width); _shift = new Scratch<T>(width);
        _mean = new Scratch<T>(width); _lo = new Scratch<T>(width); _std = new Scratch<T>(width);
        _runMean = new double[width]; _runM2 = new double[width];
    }

    /// <summary>Replaces the statistics with those of the <paramref name="rows"/> rows of <paramref name="slab"/>.</summary>
    public void Accumulate(ReadOnlySpan<T> slab, int rows)
    {
        Array.Clear(_runMean); Array.Clear(_runM2); _count = 0;
        int block = Math.Clamp(BlockBytes / Math.Max(1, _width * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()), 1, MaxBlockRows);
        Span<T> s1 = _blockSum.Span, s2 = _blockM2.Span, shift = _shift.Span;
        for (int start = 0; start < rows; start += block)
        {
            int count = Math.Min(block, rows - start);
            var part = slab.Slice(start * _width, count * _width);
            // Deviations from a value near the column mean are small, so float32 sums of them and of their squares
            // keep their precision on any offset, and s2 - s1²/n does not cancel: the first block is centred on its
            // own mean (one more pass, over rows the next loop finds in cache), later blocks on the running mean.
            if (start == 0)
            {
                shift.Clear();
                for (int r = 0; r < count; r++) TensorPrimitives.Add(shift, part.Slice(r * _width, _width), shift);
                TensorPrimitives.Multiply(shift, T.One / T.CreateTruncating(count), shift);
            }
            else
            {
                for (int j = 0; j < _width; j++) shift[j] = T.CreateTruncating(_runMean[j]);
            }
            s1.Clear(); s2.Clear();
            for (int r = 0; r < count; r++) ShiftedMoments(part.Slice(r * _width, _width), shift, s1, s2);
            Merge(shift, s1, s2, count);
        }
    }

    private static void ShiftedMoments(ReadOnlySpan<T> row, ReadOnlySpan<T> shift, Span<T> s1, Span<T> s2)
    {
        int i = 0, n = row.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            ref T pr = ref MemoryMarshal.GetReference(row); ref T ps = ref MemoryMarshal.GetReference(shift);
            ref T p1 = ref MemoryMarshal.GetReference(s1); ref T p2 = ref MemoryMarshal.GetReference(s2);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var d = Vector256.LoadUnsafe(ref pr, (nuint)i) - Vector256.LoadUnsafe(ref ps, (nuint)i);
                (Vector256.LoadUnsafe(ref p1, (nuint)i) + d).StoreUnsafe(ref p1, (nuint)i);
                (Vector256.LoadUnsafe(ref p2, (nuint)i) + d * d).StoreUnsafe(ref p2, (nuint)i);
            }
        }
        for (; i < n; i++) { T d = row[i] - shift[i]; s1[i] += d; s2[i] += d * d; }
    }

    private void Merge(ReadOnlySpan<T> shift, ReadOnlySpan<T> s1, ReadOnlySpan<T> s2, int n)
    {
        long total = _count + n;
        double wa = (double)_count * n / total, fb = (double)n / total;
        for (int j = 0; j < _width; j++)
        {
            double d1 = double.CreateTruncating(s1[j]);
            double mb = double.CreateTruncating(shift[j]) + d1 / n;
            double m2b = Math.Max(0, double.CreateTruncating(s2[j]) - d1 * d1 / n);
            double delta = mb - _runMean[j];
            _runMean[j] += delta * fb;
            _runM2[j] += m2b + delta * delta * wa;
        }
        _count = total;
    }

    /// <summary>
    /// Per column: the mean as <paramref name="hi"/> (its rounding to T) plus <paramref name="lo"/> (the rest), and
    /// 1 / max(std, eps) with std = sqrt(Σ squared deviations / <paramref name="denominator"/>), all from double.
    /// </summary>
    public void Scaling(double denominator, double eps, out Span<T> hi, out Span<T> lo, out Span<T> rstd)
    {
        hi = _mean.Span; lo = _lo.Span; rstd = _std.Span;
        for (int j = 0; j < _width; j++)
        {
            T h = T.CreateTruncating(_runMean[j]);
            hi[j] = h;
            lo[j] = T.CreateTruncating(_runMean[j] - double.CreateTruncating(h));
            rstd[j] = T.CreateTruncating(1 / Math.Max(Math.Sqrt(_runM2[j] / denominator), eps));
        }
    }

    public void Dispose()
    {
        _blockSum.Dispose(); _blockM2.Dispose(); _shift.Dispose(); _mean.Dispose(); _lo.Dispose(); _std.Dispose();
    }
}
