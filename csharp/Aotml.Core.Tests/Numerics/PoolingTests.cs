using Aotml.Numerics;

namespace Aotml.Core.Tests.Numerics;

public class PoolingTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
    }

    // Masks with ragged lengths: sequence b keeps its first (b * 3 % seq) + 1 tokens, the last one keeps none.
    private static long[] RaggedMask(int batch, int seq)
    {
        var m = new long[batch * seq];
        for (int b = 0; b < batch - 1; b++)
            for (int t = 0; t <= b * 3 % seq; t++) m[b * seq + t] = 1;
        return m;
    }

    // Reference in double, element by element, straight from the definitions.
    private static double[] Reference(PoolingMode mode, float[] h, long[] m, int batch, int seq, int dim)
    {
        var y = new double[batch * dim];
        for (int b = 0; b < batch; b++)
            for (int d = 0; d < dim; d++)
            {
                double sum = 0, w = 0, max = double.NegativeInfinity;
                for (int t = 0; t < seq; t++)
                {
                    double v = h[(b * seq + t) * dim + d];
                    sum += m[b * seq + t] * v; w += m[b * seq + t];
                    if (m[b * seq + t] != 0) max = Math.Max(max, v);
                }
                y[b * dim + d] = mode switch
                {
                    PoolingMode.Mean => sum / Math.Max(w, 1e-9),
                    PoolingMode.Max => double.IsNegativeInfinity(max) ? 0 : max,
                    _ => h[b * seq * dim + d],
                };
            }
        return y;
    }

    public static TheoryData<PoolingMode, int, int, int> Cases => new()
    {
        { PoolingMode.Mean, 1, 1, 1 }, { PoolingMode.Mean, 5, 7, 384 }, { PoolingMode.Mean, 3, 40, 13 },
        { PoolingMode.Max, 1, 1, 1 }, { PoolingMode.Max, 5, 7, 384 }, { PoolingMode.Max, 3, 40, 13 },
        { PoolingMode.Cls, 1, 1, 1 }, { PoolingMode.Cls, 5, 7, 384 },
    };

    [Theory, MemberData(nameof(Cases))]
    public void MatchesDefinition(PoolingMode mode, int batch, int seq, int dim)
    {
        var h = Random(batch * seq * dim, batch + seq + dim);
        var m = RaggedMask(batch, seq);
        var y = new float[batch * dim];
        Pooling.Pool<float, long>(mode, h, m, y, batch, seq, dim);
        var expected = Reference(mode, h, m, batch, seq, dim);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-5, $"[{i}] expected {expected[i]}, got {y[i]}");
    }

    [Fact]
    public void MaskTypesAgreeAndWeightsCount()
    {
        var h = Random(2 * 4 * 3, 9);
        var m64 = new long[] { 1, 1, 0, 0, 2, 0, 1, 0 };
        var m32 = m64.Select(v => (int)v).ToArray();
        var mf = m64.Select(v => (float)v).ToArray();
        float[] a = new float[6], b = new float[6], c = new float[6];
        Pooling.Pool<float, long>(PoolingMode.Mean, h, m64, a, 2, 4, 3);
        Pooling.Pool<float, int>(PoolingMode.Mean, h, m32, b, 2, 4, 3);
        Pooling.Pool<float, float>(PoolingMode.Mean, h, mf, c, 2, 4, 3);
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        // A weight of 2 counts its token twice: (2 h0 + h2) / 3.
        Assert.Equal((2 * h[12] + h[18]) / 3, a[3], 5);
    }

    [Fact]
    public void PaddingNaNDoesNotLeakAndNaNInTokensPropagates()
    {
        var h = new float[] { 1, 2, float.NaN, float.NaN };
        var y = new float[2];
        Pooling.Pool<float, long>(PoolingMode.Mean, h, [1, 0], y, 1, 2, 2);
        Assert.Equal([1f, 2f], y);
        Pooling.Pool<float, long>(PoolingMode.Max, h, [1, 1], y, 1, 2, 2);
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[1]));
    }

    [Fact]
    public void BadShapesAndNamesThrow()
    {
        var y = new float[2];
        Assert.Throws<ArgumentException>(() => Pooling.Pool<float, long>(PoolingMode.Mean, new float[4], new long[3], y, 1, 2, 2));
        Assert.Throws<ArgumentException>(() => Pooling.Pool<float, long>(PoolingMode.Mean, new float[5], new long[2], y, 1, 2, 2));
        Assert.Throws<ArgumentException>(() => Pooling.Pool<float, long>(PoolingMode.Cls, new float[0], [], y, 1, 0, 2));
        Assert.Equal(PoolingMode.Cls, Pooling.Parse("CLS"));
        Assert.Contains("'mean', 'cls' or 'max'", Assert.Throws<ArgumentException>(() => Pooling.Parse("sum")).Message);
    }
}
