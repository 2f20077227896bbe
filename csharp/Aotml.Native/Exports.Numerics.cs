using System.Runtime.InteropServices;
using Aotml.Numerics;
using static Aotml.Native.BufferChecks;

namespace Aotml.Native.Exports;

/// <summary>Normalization kernels over caller buffers: validate, pick the dtype, call the core, never throw.</summary>
internal static unsafe class Numerics
{
    /// <summary>Axis value meaning "the whole array" (axis=None).</summary>
    public const int AxisNone = int.MinValue;

    private static AxisLayout Layout(AotmlBuffer* x, int axis)
    {
        if (Count(x) > int.MaxValue) throw new ArgumentException("arrays of more than 2**31-1 elements are not supported; split the array");
        if (axis == AxisNone) return AxisLayout.Whole((int)Count(x));
        if (x->NDim == 0)
        {
            if (axis is 0 or -1) return new AxisLayout(1, 1, 1);
            throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is out of bounds for array of dimension 0");
        }
        return AxisLayout.ForAxis(Shape(x), axis);
    }

    /// <summary>int32_t aotml_l2_normalize(const aotml_buffer* x, const aotml_buffer* out, int32_t axis, double eps)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_l2_normalize")]
    public static int L2(AotmlBuffer* x, AotmlBuffer* o, int axis, double eps)
    {
        try
        {
            var t = Input(x); Output(x, o, t); var l = Layout(x, axis);
            if (t == DType.Float32) Normalization.L2(Span<float>(x), Span<float>(o), l, (float)eps);
            else Normalization.L2(Span<double>(x), Span<double>(o), l, eps);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_minmax_scale(const aotml_buffer* x, const aotml_buffer* out, int32_t axis, double lo, double hi)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_minmax_scale")]
    public static int MinMax(AotmlBuffer* x, AotmlBuffer* o, int axis, double lo, double hi)
    {
        try
        {
            if (!(lo < hi)) throw new ArgumentException($"feature_range must be (min, max) with min < max, got ({lo}, {hi})");
            var t = Input(x); Output(x, o, t); var l = Layout(x, axis);
            if (t == DType.Float32) Normalization.MinMax(Span<float>(x), Span<float>(o), l, (float)lo, (float)hi);
            else Normalization.MinMax(Span<double>(x), Span<double>(o), l, lo, hi);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_standardize(const aotml_buffer* x, const aotml_buffer* out, int32_t axis, double eps, int32_t ddof)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_standardize")]
    public static int Standardize(AotmlBuffer* x, AotmlBuffer* o, int axis, double eps, int ddof)
    {
        try
        {
            var t = Input(x); Output(x, o, t); var l = Layout(x, axis);
            if (t == DType.Float32) Normalization.Standardize(Span<float>(x), Span<float>(o), l, (float)eps, ddof);
            else Normalization.Standardize(Span<double>(x), Span<double>(o), l, eps, ddof);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_softmax(const aotml_buffer* x, const aotml_buffer* out, int32_t axis, int32_t log)</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_softmax")]
    public static int Softmax(AotmlBuffer* x, AotmlBuffer* o, int axis, int log)
    {
        try
        {
            var t = Input(x); Output(x, o, t); var l = Layout(x, axis);
            if (t == DType.Float32) Normalization.Softmax(Span<float>(x), Span<float>(o), l, log != 0);
            else Normalization.Softmax(Span<double>(x), Span<double>(o), l, log != 0);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>
    /// int32_t aotml_layer_norm(const aotml_buffer* x, const aotml_buffer* out, const aotml_buffer* weight,
    /// const aotml_buffer* bias, double eps): over the last axis; weight and bias may be NULL.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_layer_norm")]
    public static int LayerNorm(AotmlBuffer* x, AotmlBuffer* o, AotmlBuffer* weight, AotmlBuffer* bias, double eps)
    {
        try
        {
            var t = Input(x); Output(x, o, t);
            int n = x->NDim == 0 ? 1 : checked((int)x->Shape[x->NDim - 1]);
            if (Count(x) > int.MaxValue) throw new ArgumentException("arrays of more than 2**31-1 elements are not supported; split the array");
            if (weight != null) CheckParam(weight, "weight", t, n);
            if (bias != null) CheckParam(bias, "bias", t, n);
            if (t == DType.Float32)
                Normalization.LayerNorm(Span<float>(x), Span<float>(o), n, weight == null ? default : Span<float>(weight), bias == null ? default : Span<float>(bias), (float)eps);
            else
                Normalization.LayerNorm(Span<double>(x), Span<double>(o), n, weight == null ? default : Span<double>(weight), bias == null ? default : Span<double>(bias), eps);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    private static void CheckParam(AotmlBuffer* p, string name, DType dtype, int n)
    {
        var t = Input(p, name);
        if (t != dtype) throw new ArgumentException($"{name} has dtype {Name(t)}, expected {Name(dtype)} (the dtype of x)");
        if (p->NDim != 1 || p->Shape[0] != n)
            throw new ArgumentException($"{name} has shape {FormatShape(Shape(p))}, expected ({n},) (the last axis of x)");
    }
}
