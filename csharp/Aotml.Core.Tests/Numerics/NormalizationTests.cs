using Aotml.Numerics;

namespace Aotml.Core.Tests.Numerics;

public class NormalizationTests
{
    private static double[] Random(int n, int seed, double scale = 3, double offset = 1)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (r.NextDouble() * 2 - 1) * scale + offset).ToArray();
    }

    // Reference implementations written straight from the formulas, element by element, in double.
    private static double[] Reference(double[] x, AxisLayout l, Func<double[], double[]> perSlice)
    {
        var y = new double[x.Length];
        for (int o = 0; o < l.Outer; o++)
            for (int i = 0; i < l.Inner; i++)
            {
                var slice = new double[l.Length];
                for (int k = 0; k < l.Length; k++) slice[k] = x[(o * l.Length + k) * l.Inner + i];
                var r = perSlice(slice);
                for (int k = 0; k < l.Length; k++) y[(o * l.Length + k) * l.Inner + i] = r[k];
            }
        return y;
    }

    private static double[] RefL2(double[] s) { double n = Math.Max(Math.Sqrt(s.Sum(v => v * v)), 1e-12); return s.Select(v => v / n).ToArray(); }
    private static double[] RefSoftmax(double[] s) { double m = s.Max(); var e = s.Select(v => Math.Exp(v - m)).ToArray(); double t = e.Sum(); return e.Select(v => v / t).ToArray(); }
    private static double[] RefStd(double[] s) { double m = s.Average(); double sd = Math.Sqrt(s.Sum(v => (v - m) * (v - m)) / s.Length); return s.Select(v => (v - m) / Math.Max(sd, 1e-12)).ToArray(); }
    private static double[] RefMinMax(double[] s) { double lo = s.Min(), hi = s.Max(); return s.Select(v => (v - lo) / (hi - lo)).ToArray(); }

    public static TheoryData<int, int, int> Layouts => new() { { 1, 7, 1 }, { 3, 5, 1 }, { 1, 37, 9 }, { 4, 6, 8 }, { 2, 300, 3 }, { 1, 1000, 17 } };

    private static void AssertClose(double[] expected, ReadOnlySpan<double> actual, double tol = 1e-12)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Theory, MemberData(nameof(Layouts))]
    public void L2MatchesFormula(int outer, int n, int inner)
    {
        var l = new AxisLayout(outer, n, inner); var x = Random((int)l.Count, 1); var y = new double[x.Length];
        Normalization.L2<double>(x, y, l, 1e-12);
        AssertClose(Reference(x, l, RefL2), y);
    }

    [Theory, MemberData(nameof(Layouts))]
    public void SoftmaxMatchesFormula(int outer, int n, int inner)
    {
        var l = new AxisLayout(outer, n, inner); var x = Random((int)l.Count, 2, 20); var y = new double[x.Length];
        Normalization.Softmax<double>(x, y, l, log: false);
        AssertClose(Reference(x, l, RefSoftmax), y);
        Normalization.Softmax<double>(x, y, l, log: true);
        AssertClose(Reference(x, l, s => RefSoftmax(s).Select(v => Math.Log(v)).ToArray()), y, 1e-10);
    }

    [Theory, MemberData(nameof(Layouts))]
    public void StandardizeMatchesFormula(int outer, int n, int inner)
    {
        var l = new AxisLayout(outer, n, inner); var x = Random((int)l.Count, 3, 1, 500); var y = new double[x.Length];
        Normalization.Standardize<double>(x, y, l, 1e-12, 0);
        AssertClose(Reference(x, l, RefStd), y, 1e-9);
    }

    [Theory, MemberData(nameof(Layouts))]
    public void MinMaxMatchesFormula(int outer, int n, int inner)
    {
        var l = new AxisLayout(outer, n, inner); var x = Random((int)l.Count, 4); var y = new double[x.Length];
        Normalization.MinMax<double>(x, y, l, 0, 1);
        AssertClose(Reference(x, l, RefMinMax), y);
    }

    [Fact]
    public void InPlaceEqualsOutOfPlace()
    {
        var l = new AxisLayout(3, 50, 1);
        var x = Random(150, 5).Select(v => (float)v).ToArray();
        var y = new float[150];
        Normalization.Softmax<float>(x, y, l, false);
        Normalization.Softmax<float>(x, x, l, false);
        Assert.Equal(y, x);
    }

    [Fact]
    public void FusedMinMaxPropagatesNaNLikeNumpy()
    {
        var x = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        Assert.Equal((0f, 99f), FusedMinMax.Compute<float>(x));
        x[77] = float.NaN;
        var (mn, mx) = FusedMinMax.Compute<float>(x);
        Assert.True(float.IsNaN(mn) && float.IsNaN(mx));
    }

    [Fact]
    public void LayerNormAppliesWeightAndBias()
    {
        double[] x = [1, 2, 3, 4], w = [1, 2, 3, 4], b = [0.5, 0.5, 0.5, 0.5];
        var y = new double[4];
        Normalization.LayerNorm<double>(x, y, 4, w, b, 1e-5);
        double mean = 2.5, rstd = 1 / Math.Sqrt(1.25 + 1e-5);
        AssertClose(x.Select((v, i) => (v - mean) * rstd * w[i] + b[i]).ToArray(), y);
    }

    [Fact]
    public void AxisOutOfRangeIsAnArgumentError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => AxisLayout.ForAxis([2, 3], 2));
        Assert.Contains("axis 2 is out of bounds for array of dimension 2", e.Message);
        Assert.Equal(new AxisLayout(2, 3, 1), AxisLayout.ForAxis([2, 3], -1));
        Assert.Equal(new AxisLayout(1, 2, 3), AxisLayout.ForAxis([2, 3], 0));
    }

    [Fact]
    public void ShortBuffersAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Normalization.L2<float>(new float[5], new float[6], new AxisLayout(2, 3, 1), 1e-12f));
    }

    // Float32 data on a large offset along long axes: the statistics must be accumulated so that the offset's digits
    // survive (float32 running sums lost the mean by ~1 at a million values near 1e4).
    [Theory]
    [InlineData(1_000_000, 1, 10_000.0)]
    [InlineData(1_000_000, 1, 0.0)]
    [InlineData(125_000, 8, 10_000.0)]
    [InlineData(3, 300_000, 1_000.0)]
    public void Float32StandardizeKeepsPrecisionOnLongAxesAndLargeOffsets(int length, int inner, double offset)
    {
        var r = new Random(11);
        var x = new float[length * inner];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(offset + Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
        var l = new AxisLayout(1, length, inner);
        var y = new float[x.Length];
        Normalization.Standardize<float>(x, y, l, 1e-12f, 0);
        var expected = Reference(x.Select(v => (double)v).ToArray(), l, RefStd);
        double worst = 0;
        for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(y[i] - expected[i]) / (1 + Math.Abs(expected[i])));
        Assert.True(worst < 1e-6, $"max error {worst}");

        var rows = new float[x.Length];
        Normalization.LayerNorm<float>(x, rows, length * inner, default, default, 0f);
        var whole = Reference(x.Select(v => (double)v).ToArray(), AxisLayout.Whole(x.Length), RefStd);
        for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(rows[i] - whole[i]) / (1 + Math.Abs(whole[i])));
        Assert.True(worst < 1e-6, $"max error {worst}");
    }

    [Fact]
    public void LayerNormRefusesWeightOrBiasOverlappingTheOutput()
    {
        var x = Random(12, 13).Select(v => (float)v).ToArray();
        var y = new float[16];
        var e = Assert.Throws<ArgumentException>(() => Normalization.LayerNorm<float>(x, y, 4, y.AsSpan(8, 4), default, 1e-5f));
        Assert.Contains("weight overlaps out", e.Message);
        e = Assert.Throws<ArgumentException>(() => Normalization.LayerNorm<float>(x, y, 4, default, y.AsSpan(2, 4), 1e-5f));
        Assert.Contains("bias overlaps out", e.Message);
        Assert.All(y, v => Assert.Equal(0f, v));
        // Reading weight from x is fine (x is only read); the output is exactly the separate-weight result.
        var w = x.AsSpan(0, 4).ToArray();
        var expected = new float[12];
        Normalization.LayerNorm<float>(x, expected, 4, w, w, 1e-5f);
        Normalization.LayerNorm<float>(x, y.AsSpan(0, 12), 4, x.AsSpan(0, 4), x.AsSpan(0, 4), 1e-5f);
        Assert.Equal(expected, y.AsSpan(0, 12).ToArray());
    }
}
