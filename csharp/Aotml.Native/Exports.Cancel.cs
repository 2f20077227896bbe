using System.Runtime.InteropServices;

namespace Aotml.Native.Exports;

/// <summary>
/// Cancellation tokens for long calls: the caller makes one, gives it to a call running on another thread, and sets it
/// (on Ctrl-C) to make that call stop between chunks of work with AOTML_ERR_CANCELLED.
/// </summary>
internal static unsafe class Cancel
{
    /// <summary>int32_t aotml_cancel_new(void** token): a new token (aotml_handle_free).</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_cancel_new")]
    public static int New(nint* token)
    {
        try
        {
            if (token == null) throw new ArgumentNullException(nameof(token));
            *token = Handles.New(new CancellationTokenSource());
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>int32_t aotml_cancel_set(void* token): cancels the calls that were given the token; any thread may call it.</summary>
    [UnmanagedCallersOnly(EntryPoint = "aotml_cancel_set")]
    public static int Set(nint token)
    {
        try
        {
            Handles.Get<CancellationTokenSource>(token).Cancel();
            return 0;
        }
        catch (Exception e) { return LastError.Set(e); }
    }
}
