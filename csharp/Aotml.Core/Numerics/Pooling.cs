using System.Numerics;
using System.Numerics.Tensors;

namespace Aotml.Numerics;

/// <summary>How token vectors become one vector per sequence.</summary>
public enum PoolingMode
{
    /// <summary>The mask-weighted mean of the token vectors (sentence-transformers' "mean").</summary>
    Mean = 0,
    /// <summary>The first token's vector (BERT's [CLS]); the mask is not read.</summary>
    Cls = 1,
    /// <summary>The element-wise maximum over the tokens whose mask is non-zero.</summary>
    Max = 2,
}

/// <summary>
/// Masked pooling of hidden states [batch, seq, dim] (C-contiguous) into [batch, dim], with a mask [batch, seq] of
/// any numeric type (int64 and int32 from tokenizers, bool or float from users).
/// </summary>
public static class Pooling
{
    /// <summary>The floor of a mean's denominator, as sentence-transformers clamps it: an all-zero mask pools to 0.</summary>
    public const double MinWeight = 1e-9;

    /// <summary>Parses "mean", "cls" or "max" (case-insensitive); anything else is an ArgumentException listing them.</summary>
    public static PoolingMode Parse(string name) => name.ToLowerInvariant() switch
    {
        "mean" => PoolingMode.Mean,
        "cls" => PoolingMode.Cls,
        "max" => PoolingMode.Max,
        _ => throw new ArgumentException($"unknown pooling '{name}'; expected 'mean', 'cls' or 'max'"),
    };

    /// <summary>Pools every sequence of a batch: dst row b from hidden[b] and mask[b].</summary>
    public static void Pool<T, TMask>(PoolingMode mode, ReadOnlySpan<T> hidden, ReadOnlySpan<TMask> mask, Span<T> dst,
                                      int batch, int seq, int dim)
        where T : unmanaged, IFloatingPointIeee754<T> where TMask : unmanaged, INumberBase<TMask>
    {
        long cells = (long)batch * seq * dim;
        if (batch < 0 || seq < 0 || dim < 0 || hidden.Length != cells || dst.Length != (long)batch * dim)
            throw new ArgumentException($"pooling spans do not match [batch={batch}, seq={seq}, dim={dim}]");
        if (mode != PoolingMode.Cls && mask.Length != (long)batch * seq)
            throw new ArgumentException($"mask has {mask.Length} elements, expected batch * seq = {(long)batch * seq}");
        for (int b = 0; b < batch; b++)
        {
            var m = mode == PoolingMode.Cls ? default : mask.Slice(b * seq, seq);
            Row(mode, hidden.Slice(b * seq * dim, seq * dim), m, dst.Slice(b * dim, dim), dim);
        }
    }

    /// <summary>Pools one sequence: hidden is [seq, dim], mask [seq] (unused for CLS), dst [dim].</summary>
    public static void Row<T, TMask>(PoolingMode mode, ReadOnlySpan<T> hidden, ReadOnlySpan<TMask> mask, Span<T> dst, int dim)
        where T : unmanaged, IFloatingPointIeee754<T> where TMask : unmanaged, INumberBase<TMask>
    {
        if (mode != PoolingMode.Cls && hidden.Length != (long)mask.Length * dim)
            throw new ArgumentException($"hidden has {hidden.Length} elements, expected mask length * dim = {(long)mask.Length * dim}");
        switch (mode)
        {
            case PoolingMode.Cls:
                if (hidden.Length < dim) throw new ArgumentException("CLS pooling needs at least one token per sequence");
                hidden.Slice(0, dim).CopyTo(dst);
                return;
            case PoolingMode.Mean:
                Mean(hidden, mask, dst, dim);
                return;
            case PoolingMode.Max:
                Max(hidden, mask, dst, dim);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), $"unknown pooling mode {(int)mode}");
        }
    }

    private static void Mean<T, TMask>(ReadOnlySpan<T> hidden, ReadOnlySpan<TMask> mask, Span<T> dst, int dim)
        where T : unmanaged, IFloatingPointIeee754<T> where TMask : unmanaged, INumberBase<TMask>
    {
        dst.Clear();
        double weight = 0;
        for (int t = 0; t < mask.Length; t++)
        {
            T w = T.CreateSaturating(mask[t]);
            if (w == T.Zero) continue;  // padding: most masks are 0/1, and skipping keeps a NaN in padding out
            weight += double.CreateSaturating(mask[t]);
            var row = hidden.Slice(t * dim, dim);
            if (w == T.One) TensorPrimitives.Add(dst, row, dst);
            else TensorPrimitives.MultiplyAdd(row, w, dst, dst);
        }
        TensorPrimitives.Divide(dst, T.CreateSaturating(Math.Max(weight, MinWeight)), dst);
    }

    private static void Max<T, TMask>(ReadOnlySpan<T> hidden, ReadOnlySpan<TMask> mask, Span<T> dst, int dim)
        where T : unmanaged, IFloatingPointIeee754<T> where TMask : unmanaged, INumberBase<TMask>
    {
        bool any = false;
        for (int t = 0; t < mask.Length; t++)
        {
            if (TMask.IsZero(mask[t])) continue;
            var row = hidden.Slice(t * dim, dim);
            if (!any) row.CopyTo(dst);
            else TensorPrimitives.Max(dst, row, dst);  // NaN propagates, as numpy's max
            any = true;
        }
        // No token to take the maximum of: zeros, as the mean of nothing (rather than -inf).
        if (!any) dst.Clear();
    }
}
