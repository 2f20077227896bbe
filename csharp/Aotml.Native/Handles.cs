using System.Runtime.InteropServices;

namespace Aotml.Native;

/// <summary>Opaque handles: a GCHandle to a managed object, freed by aotml_handle_free.</summary>
internal static class Handles
{
    public static nint New(object target) => GCHandle.ToIntPtr(GCHandle.Alloc(target));

    /// <summary>The object behind <paramref name="handle"/>, or ArgumentException if it is null or of another kind.</summary>
    public static T Get<T>(nint handle) where T : class
    {
        if (handle == 0) throw new ArgumentException($"null {typeof(T).Name} handle");
        return GCHandle.FromIntPtr(handle).Target as T
            ?? throw new ArgumentException($"handle does not refer to a {typeof(T).Name}");
    }

    public static void Free(nint handle)
    {
        if (handle == 0) return;
        var h = GCHandle.FromIntPtr(handle);
        (h.Target as IDisposable)?.Dispose();
        h.Free();
    }
}
