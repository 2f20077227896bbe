using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Aotml.Numerics;

/// <summary>
/// Per-column mean and variance of a [rows, width] slab in one pass over memory. Rows are taken in blocks; each
/// block sums deviations from its own first row (small values, so no cancellation on a large offset as in
/// E[x²] - E[x]²), and blocks are merged in double precision with Chan's parallel formula.
/// </summary>
internal sealed class ColumnStats<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int BlockBytes = 128 * 1024;
    private readonly int _width;
    private readonly Scratch<T> _blockSum, _blockM2, _mean, _std;
    private readonly double[] _runMean, _runM2;
    private long _count;

    public ColumnStats(int width)
    {
        _width = width;
        _blockSum = new Scratch<T>(width); _blockM2 = new Scratch<T>(width);
        _mean = new Scratch<T>(width); _std = new Scratch<T>(width);
        _runMean = new double[width]; _runM2 = new double[width];
    }

    /// <summary>Replaces the statistics with those of the <paramref name="rows"/> rows of <paramref name="slab"/>.</summary>
    public void Accumulate(ReadOnlySpan<T> slab, int rows)
    {
        Array.Clear(_runMean); Array.Clear(_runM2); _count = 0;
        int block = Math.Max(1, BlockBytes / Math.Max(1, _width * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));
        Span<T> s1 = _blockSum.Span, s2 = _blockM2.Span;
        for (int start = 0; start < rows; start += block)
        {
            int count = Math.Min(block, rows - start);
            var part = slab.Slice(start * _width, count * _width);
            // Sums of deviations from the block's first row: small numbers, so float32 sums keep their precision
            // even when the data sit on a large offset; one fused pass per row.
            var shift = part.Slice(0, _width);
            s1.Clear(); s2.Clear();
            for (int r = 1; r < count; r++) ShiftedMoments(part.Slice(r * _width, _width), shift, s1, s2);
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

    /// <summary>Mean and standard deviation (Σ squared deviations / <paramref name="denominator"/>) per column.</summary>
    public void MeanAndStd(T denominator, out Span<T> mean, out Span<T> std)
    {
        double d = double.CreateTruncating(denominator);
        mean = _mean.Span; std = _std.Span;
        for (int j = 0; j < _width; j++)
        {
            mean[j] = T.CreateTruncating(_runMean[j]);
            std[j] = T.CreateTruncating(Math.Sqrt(_runM2[j] / d));
        }
    }

    public void Dispose()
    {
        _blockSum.Dispose(); _blockM2.Dispose(); _mean.Dispose(); _std.Dispose();
    }
}
