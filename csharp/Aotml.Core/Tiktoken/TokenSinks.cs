using System.Runtime.CompilerServices;

namespace Aotml.Tiktoken;

/// <summary>Where encoded tokens go. Implemented by structs so the encoder is specialised per sink (no calls).</summary>
internal interface ITokenSink
{
    void Add(uint token);
}

/// <summary>Counts tokens without storing them.</summary>
internal struct CountSink : ITokenSink
{
    public long Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint token) => Count++;
}

/// <summary>Writes into caller memory whose capacity is checked on every token.</summary>
internal unsafe struct PointerSink(uint* dest, long capacity) : ITokenSink
{
    private readonly uint* _dest = dest;
    private readonly long _capacity = capacity;
    public long Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint token)
    {
        if (Count >= _capacity) ThrowFull();
        _dest[Count++] = token;
    }

    private static void ThrowFull() => throw new ArgumentException("the token buffer is too small; give it one slot per byte of text");
}
