using System.Buffers;

namespace Aotml.Numerics;

/// <summary>A pooled scratch buffer, returned on Dispose; the one place kernels rent temporary memory.</summary>
internal sealed class Scratch<T> : IDisposable
{
    private T[]? _array;
    private readonly int _length;

    public Scratch(int length)
    {
        _length = length;
        _array = length == 0 ? [] : ArrayPool<T>.Shared.Rent(length);
    }

    public Span<T> Span => _array.AsSpan(0, _length);

    public void Dispose()
    {
        if (_array is { Length: > 0 } a) ArrayPool<T>.Shared.Return(a);
        _array = null;
    }
}
