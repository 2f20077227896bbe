namespace Aotml.Native;

/// <summary>
/// Opaque handles: an index into a table of live objects plus a generation, never a pointer. A freed, stale, forged or
/// foreign value (even one passed straight to the C ABI as an integer) is an ArgumentException, never a crash; so is
/// freeing twice or a handle of another kind.
/// </summary>
/// <remarks>
/// A handle is <c>tag:16 | generation:16 | slot+1:32</c>. The tag is random per process, so a value from another
/// process (or made up) is almost surely refused; the generation changes each time a slot is reused, so a freed
/// handle stays refused after its slot holds a new object. Lookups take no lock: each live slot holds an immutable
/// entry naming the exact handle value it answers to, so one reference read gives a consistent answer.
/// </remarks>
internal static class Handles
{
    private sealed class Entry(object target, nint value)
    {
        public readonly object Target = target;
        public readonly nint Value = value;
    }

    private static readonly object s_lock = new();
    private static readonly long s_tag = (long)Random.Shared.Next(1, 1 << 15) << 48;
    private static Entry?[] s_slots = new Entry?[64];
    private static ushort[] s_generations = new ushort[64];
    private static readonly Stack<int> s_free = new();
    private static int s_used;

    /// <summary>A new handle to <paramref name="target"/>; the caller frees it with aotml_handle_free.</summary>
    public static nint New(object target)
    {
        lock (s_lock)
        {
            int slot;
            if (s_free.Count > 0) slot = s_free.Pop();
            else
            {
                if (s_used == s_slots.Length)
                {
                    if (s_used == int.MaxValue - 1) throw new OutOfMemoryException("the engine holds too many objects");
                    var grown = new Entry?[s_slots.Length * 2];
                    Array.Copy(s_slots, grown, s_slots.Length);
                    Array.Resize(ref s_generations, grown.Length);
                    Volatile.Write(ref s_slots, grown);
                }
                slot = s_used++;
            }
            nint value = (nint)(s_tag | ((long)s_generations[slot] << 32) | (uint)(slot + 1));
            Volatile.Write(ref s_slots[slot], new Entry(target, value));
            return value;
        }
    }

    // The kind's name is only computed on failure: Type.Name on every call was measurable on short calls.
    private static Entry Find(nint handle, Type? what)
    {
        if (handle == 0) throw new ArgumentException($"null {what?.Name ?? "object"} handle");
        long slot = ((long)handle & 0xFFFFFFFF) - 1;
        var slots = Volatile.Read(ref s_slots);
        var e = slot >= 0 && slot < slots.Length ? Volatile.Read(ref slots[slot]) : null;
        if (e == null || e.Value != handle)
            throw new ArgumentException($"invalid {what?.Name ?? "object"} handle: freed, or not made by this engine");
        return e;
    }

    /// <summary>The object behind <paramref name="handle"/>, or ArgumentException if it is null, unknown or of another kind.</summary>
    public static T Get<T>(nint handle) where T : class =>
        Find(handle, typeof(T)).Target as T
            ?? throw new ArgumentException($"handle does not refer to a {typeof(T).Name}");

    /// <summary>Frees a handle (0 is allowed and does nothing); disposes its object. Freeing twice is an ArgumentException.</summary>
    public static void Free(nint handle)
    {
        if (handle == 0) return;
        Entry e;
        lock (s_lock)
        {
            e = Find(handle, null);
            int slot = (int)(((long)handle & 0xFFFFFFFF) - 1);
            Volatile.Write(ref s_slots[slot], null);
            s_generations[slot]++;
            s_free.Push(slot);
        }
        (e.Target as IDisposable)?.Dispose();
    }
}
