using System.Numerics;
using System.Numerics.Tensors;

namespace Aotml.Numerics;

/// <summary>
/// Per-column mean and variance of a [rows, width] slab in one pass over memory. Rows are taken in blocks that fit
/// in cache: each block's mean and squared deviations are exact two-pass sums over cached data, and blocks are
/// merged in double precision with Chan's parallel formula, so large offsets do not cancel as in E[x²] - E[x]².
/// </summary>
internal sealed class ColumnStats<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int BlockBytes = 128 * 1024;
    private readonly int _width;
    private readonly Scratch<T> _blockSum, _blockM2, _tmp, _mean, _std;
    private readonly double[] _runMean, _runM2;
    private long _count;

    public ColumnStats(int width)
    {
        _width = width;
        _blockSum = new Scratch<T>(width); _blockM2 = new Scratch<T>(width); _tmp = new Scratch<T>(width);
        _mean = new Scratch<T>(width); _std = new Scratch<T>(width);
        _runMean = new double[width]; _runM2 = new double[width];
    }

    /// <summary>Replaces the statistics with those of the <paramref name="rows"/> rows of <paramref name="slab"/>.</summary>
    public void Accumulate(ReadOnlySpan<T> slab, int rows)
    {
        Array.Clear(_runMean); Array.Clear(_runM2); _count = 0;
        int block = Math.Max(1, BlockBytes / Math.Max(1, _width * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));
        Span<T> sum = _blockSum.Span, m2 = _blockM2.Span, tmp = _tmp.Span;
        for (int start = 0; start < rows; start += block)
        {
            int count = Math.Min(block, rows - start);
            var part = slab.Slice(start * _width, count * _width);
            sum.Clear(); m2.Clear();
            for (int r = 0; r < count; r++) TensorPrimitives.Add(sum, part.Slice(r * _width, _width), sum);
            TensorPrimitives.Divide(sum, T.CreateTruncating(count), sum);
            for (int r = 0; r < count; r++)
            {
                TensorPrimitives.Subtract(part.Slice(r * _width, _width), sum, tmp);
                TensorPrimitives.MultiplyAdd(tmp, tmp, m2, m2);
            }
            Merge(sum, m2, count);
        }
    }

    private void Merge(ReadOnlySpan<T> blockMean, ReadOnlySpan<T> blockM2, int n)
    {
        long total = _count + n;
        double wa = (double)_count * n / total, fb = (double)n / total;
        for (int j = 0; j < _width; j++)
        {
            double mb = double.CreateTruncating(blockMean[j]);
            double delta = mb - _runMean[j];
            _runMean[j] += delta * fb;
            _runM2[j] += double.CreateTruncating(blockM2[j]) + delta * delta * wa;
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
        _blockSum.Dispose(); _blockM2.Dispose(); _tmp.Dispose(); _mean.Dispose(); _std.Dispose();
    }
}
