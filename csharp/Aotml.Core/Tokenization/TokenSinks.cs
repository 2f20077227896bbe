using System.Runtime.CompilerServices;

namespace Aotml.Tokenization;

/// <summary>
/// Where a model puts the tokens it finds. Implemented by structs and taken as a generic type argument
/// (<c>where TSink : struct, ITokenSink</c>), so every encoder is compiled once per sink and calls nothing.
/// </summary>
/// <remarks>
/// A token comes with its byte range in the text the encoder was given. Sinks that keep only ids say so through
/// <see cref="WantsOffsets"/>, a constant of the type: encoders test it to skip work only offsets need (the test
/// folds away in each specialisation), and the offsets they pass anyway are values they hold already.
/// </remarks>
public interface ITokenSink
{
    /// <summary>Whether <see cref="Add"/> uses its offsets (a constant per sink type).</summary>
    static abstract bool WantsOffsets { get; }

    /// <summary>Takes token <paramref name="id"/>, which covers bytes [<paramref name="start"/>, <paramref name="end"/>) of the text.</summary>
    void Add(uint id, int start, int end);
}

/// <summary>Counts tokens without storing them.</summary>
public struct CountSink : ITokenSink
{
    /// <summary>The number of tokens added.</summary>
    public long Count;

    /// <inheritdoc/>
    public static bool WantsOffsets => false;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint id, int start, int end) => Count++;
}

/// <summary>Writes ids into memory the caller owns, checking its capacity on every token.</summary>
public unsafe struct PointerSink(uint* dest, long capacity) : ITokenSink
{
    private readonly uint* _dest = dest;
    private readonly long _capacity = capacity;

    /// <summary>The number of ids written.</summary>
    public long Count;

    /// <inheritdoc/>
    public static bool WantsOffsets => false;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint id, int start, int end)
    {
        if (Count >= _capacity) ThrowFull();
        _dest[Count++] = id;
    }

    private static void ThrowFull() => throw new ArgumentException("the token buffer is too small; give it one slot per byte of text");
}

/// <summary>Collects ids and their byte offsets into growable lists (offsets shifted by a base).</summary>
public struct OffsetSink(List<uint> ids, List<(int Start, int End)> offsets, int shift = 0) : ITokenSink
{
    /// <summary>The ids, in order.</summary>
    public readonly List<uint> Ids = ids;

    /// <summary>The byte range of each id, plus the shift given at construction.</summary>
    public readonly List<(int Start, int End)> Offsets = offsets;

    /// <inheritdoc/>
    public static bool WantsOffsets => true;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint id, int start, int end)
    {
        Ids.Add(id);
        Offsets.Add((start + shift, end + shift));
    }
}
