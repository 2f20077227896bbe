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

    /// <summary>
    /// int32_t aotml_pool(const aotml_buffer* hidden, const aotml_buffer* mask, const aotml_buffer* out, int32_t mode):
    /// hidden [batch, seq, dim] float32/float64, mask [batch, seq] of any integer, bool or float type (NULL only for
    /// CLS), out [batch, dim] of hidden's dtype; mode 0 mean, 1 CLS, 2 max.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_pool")]
    public static int Pool(AotmlBuffer* hidden, AotmlBuffer* mask, AotmlBuffer* o, int mode)
    {
        try
        {
            if (mode is < 0 or > 2) throw new ArgumentException($"unknown pooling mode {mode}; expected 0 (mean), 1 (cls) or 2 (max)");
            var pooling = (PoolingMode)mode;
            var t = Input(hidden, "hidden");
            if (hidden->NDim != 3)
                throw new ArgumentException($"hidden has shape {FormatShape(Shape(hidden))}; pooling takes hidden states [batch, seq, dim]");
            if (Count(hidden) > int.MaxValue) throw new ArgumentException("arrays of more than 2**31-1 elements are not supported; split the batch");
            int batch = (int)hidden->Shape[0], seq = (int)hidden->Shape[1], dim = (int)hidden->Shape[2];
            if (pooling == PoolingMode.Cls && seq == 0 && batch > 0) throw new ArgumentException("CLS pooling needs at least one token per sequence (hidden has seq = 0)");
            MaskType m = MaskType.None;
            if (mask != null)
            {
                m = MaskTypeOf(mask);
                if (mask->NDim != 2 || mask->Shape[0] != batch || mask->Shape[1] != seq)
                    throw new ArgumentException($"mask has shape {FormatShape(Shape(mask))}, expected ({batch}, {seq}) (hidden's batch and seq)");
                if (!IsCContiguous(mask)) throw new ArgumentException("mask is not C-contiguous; pass numpy.ascontiguousarray(mask)");
            }
            else if (pooling != PoolingMode.Cls) throw new ArgumentException("mask is missing; mean and max pooling need the attention mask");
            if (o == null) throw new ArgumentException("out is missing");
            if (o->ReadOnly != 0) throw new ArgumentException("out is read-only; pass a writable array");
            var ot = FloatDType(o, "out");
            if (ot != t) throw new ArgumentException($"out has dtype {Name(ot)}, expected {Name(t)} (the dtype of hidden)");
            if (o->NDim != 2 || o->Shape[0] != batch || o->Shape[1] != dim)
                throw new ArgumentException($"out has shape {FormatShape(Shape(o))}, expected ({batch}, {dim})");
            if (!IsCContiguous(o)) throw new ArgumentException("out is not C-contiguous");
            if (Overlaps(o, hidden) || (mask != null && Overlaps(o, mask))) throw new ArgumentException("out overlaps hidden or mask; pass a separate array");
            if (t == DType.Float32) PoolAs<float>(pooling, hidden, mask, m, o, batch, seq, dim);
            else PoolAs<double>(pooling, hidden, mask, m, o, batch, seq, dim);
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    private enum MaskType { None, I64, I32, I16, I8, U8, F32, F64 }

    private static MaskType MaskTypeOf(AotmlBuffer* b)
    {
        if (b->Data == null && Count(b) != 0) throw new ArgumentException("mask is missing");
        string f = FormatOf(b).TrimStart('@', '=', '<');
        return (f, b->ItemSize) switch
        {
            ("q" or "l", 8) => MaskType.I64,
            ("i" or "l", 4) => MaskType.I32,
            ("h", 2) => MaskType.I16,
            ("b", 1) => MaskType.I8,
            ("B" or "?", 1) => MaskType.U8,
            ("f", 4) => MaskType.F32,
            ("d", 8) => MaskType.F64,
            _ => throw new ArgumentException($"mask has format '{FormatOf(b)}'; pooling takes an int64, int32, int16, int8, uint8, bool, float32 or float64 mask"),
        };
    }

    private static bool Overlaps(AotmlBuffer* a, AotmlBuffer* b)
    {
        byte* x = (byte*)a->Data, y = (byte*)b->Data;
        long nx = Count(a) * a->ItemSize, ny = Count(b) * b->ItemSize;
        return nx > 0 && ny > 0 && x < y + ny && y < x + nx;
    }

    private static void PoolAs<T>(PoolingMode mode, AotmlBuffer* hidden, AotmlBuffer* mask, MaskType m, AotmlBuffer* o, int batch, int seq, int dim)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> h = Span<T>(hidden);
        Span<T> y = Span<T>(o);
        switch (m)
        {
            case MaskType.None: Pooling.Pool<T, long>(mode, h, default, y, batch, seq, dim); break;
            case MaskType.I64: Pooling.Pool<T, long>(mode, h, Span<long>(mask), y, batch, seq, dim); break;
            case MaskType.I32: Pooling.Pool<T, int>(mode, h, Span<int>(mask), y, batch, seq, dim); break;
            case MaskType.I16: Pooling.Pool<T, short>(mode, h, Span<short>(mask), y, batch, seq, dim); break;
            case MaskType.I8: Pooling.Pool<T, sbyte>(mode, h, Span<sbyte>(mask), y, batch, seq, dim); break;
            case MaskType.U8: Pooling.Pool<T, byte>(mode, h, Span<byte>(mask), y, batch, seq, dim); break;
            case MaskType.F32: Pooling.Pool<T, float>(mode, h, Span<float>(mask), y, batch, seq, dim); break;
            default: Pooling.Pool<T, double>(mode, h, Span<double>(mask), y, batch, seq, dim); break;
        }
    }

    private static void CheckParam(AotmlBuffer* p, string name, DType dtype, int n)
    {
        var t = Input(p, name);
        if (t != dtype) throw new ArgumentException($"{name} has dtype {Name(t)}, expected {Name(dtype)} (the dtype of x)");
        if (p->NDim != 1 || p->Shape[0] != n)
            throw new ArgumentException($"{name} has shape {FormatShape(Shape(p))}, expected ({n},) (the last axis of x)");
    }
}
