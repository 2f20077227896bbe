namespace Aotml.Numerics;

/// <summary>
/// A C-contiguous array seen as [Outer, Length, Inner]: the kernels normalize along Length.
/// Any axis of any rank reduces to this shape, so one kernel serves every axis.
/// </summary>
public readonly record struct AxisLayout(int Outer, int Length, int Inner)
{
    /// <summary>Total number of elements.</summary>
    public long Count => (long)Outer * Length * Inner;

    /// <summary>The layout that treats the whole array as one slice (axis=None).</summary>
    public static AxisLayout Whole(int count) => new(1, count, 1);

    /// <summary>Builds the layout for <paramref name="axis"/> of a C-contiguous array of <paramref name="shape"/>.</summary>
    public static AxisLayout ForAxis(ReadOnlySpan<long> shape, int axis)
    {
        int rank = shape.Length;
        if (axis < -rank || axis >= rank || rank == 0)
            throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is out of bounds for array of dimension {rank}");
        if (axis < 0) axis += rank;
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < rank; i++) inner *= shape[i];
        long length = shape[axis];
        if (outer * length * inner > int.MaxValue)
            throw new ArgumentException("arrays of more than 2**31-1 elements are not supported; split the array");
        return new AxisLayout((int)outer, (int)length, (int)inner);
    }

    internal void CheckSpan(int xLength, int yLength)
    {
        if (Outer < 0 || Length < 0 || Inner < 0)
            throw new ArgumentException("negative dimension in layout");
        if (xLength < Count || yLength < Count)
            throw new ArgumentException($"buffers hold {xLength} and {yLength} elements, the layout needs {Count}");
    }
}
