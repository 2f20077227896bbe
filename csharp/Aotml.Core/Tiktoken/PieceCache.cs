using System.Runtime.CompilerServices;

namespace Aotml.Tiktoken;

/// <summary>
/// A per-thread, direct-mapped cache of merged pieces (piece bytes → tokens) for one encoding. Natural text repeats
/// its multi-token words: in the man-page corpora three quarters of the bytes that need a merge belong to a piece
/// seen before. Per thread, so there is nothing to lock; small (about 400 KiB), so it stays in cache.
/// </summary>
internal sealed class PieceCache
{
    public const int MaxKey = 40;
    public const int MaxTokens = 14;
    private const int Slots = 4096;

    private readonly ulong[] _hash = new ulong[Slots];         // 0 = empty
    private readonly byte[] _keys = new byte[Slots * MaxKey];
    private readonly byte[] _keyLen = new byte[Slots];
    private readonly uint[] _tokens = new uint[Slots * MaxTokens];
    private readonly byte[] _count = new byte[Slots];

    /// <summary>The short-key rank lookups of this thread and encoding.</summary>
    public LookupCache Lookups { get; } = new();

    [ThreadStatic] private static PieceCache? t_cache;
    [ThreadStatic] private static TiktokenEncoding? t_owner;

    /// <summary>This thread's cache for <paramref name="owner"/> (a thread switching encodings starts afresh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PieceCache For(TiktokenEncoding owner)
    {
        var c = t_cache;
        if (c != null && ReferenceEquals(t_owner, owner)) return c;
        return Reset(owner);
    }

    /// <summary>This thread's cache and its encoding (weakly), for <see cref="Tokenization.WorkerState"/>.</summary>
    internal static object? TakeFromThread() => t_cache is { } c ? (c, new WeakReference<TiktokenEncoding?>(t_owner)) : null;

    /// <summary>Installs a cache taken by <see cref="TakeFromThread"/> on this thread.</summary>
    internal static void GiveToThread(object? taken)
    {
        if (taken is not (PieceCache c, WeakReference<TiktokenEncoding?> owner)) return;
        t_cache = c;
        t_owner = owner.TryGetTarget(out var e) ? e : null;   // null: For() starts the cache afresh
    }

    private static PieceCache Reset(TiktokenEncoding owner)
    {
        var c = t_cache ??= new PieceCache();
        Array.Clear(c._hash);
        c.Lookups.Clear();
        t_owner = owner;
        return c;
    }

    /// <summary>The cached tokens of <paramref name="piece"/>, or an empty span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<uint> Get(ReadOnlySpan<byte> piece, ulong hash)
    {
        int slot = (int)(hash >> 52);
        if (_hash[slot] != hash || _keyLen[slot] != piece.Length || !piece.SequenceEqual(_keys.AsSpan(slot * MaxKey, piece.Length)))
            return default;
        return _tokens.AsSpan(slot * MaxTokens, _count[slot]);
    }

    /// <summary>Remembers the tokens of a piece (pieces and results within the size limits only).</summary>
    public void Put(ReadOnlySpan<byte> piece, ulong hash, ReadOnlySpan<uint> tokens)
    {
        if (piece.Length > MaxKey || tokens.Length > MaxTokens || hash == 0) return;
        int slot = (int)(hash >> 52);
        _hash[slot] = hash;
        _keyLen[slot] = (byte)piece.Length;
        piece.CopyTo(_keys.AsSpan(slot * MaxKey));
        tokens.CopyTo(_tokens.AsSpan(slot * MaxTokens));
        _count[slot] = (byte)tokens.Length;
    }
}
