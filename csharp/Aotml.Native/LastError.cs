using System.Runtime.InteropServices;
using System.Text;
using Aotml.Text;

namespace Aotml.Native;

/// <summary>
/// The thread-local message behind a failed status. Kept in native memory so the pointer handed out by
/// aotml_last_error stays valid until the next failure on the same thread, with nothing for the GC to move.
/// </summary>
internal static unsafe class LastError
{
    [ThreadStatic] private static byte* t_message;
    [ThreadStatic] private static int t_length;
    [ThreadStatic] private static int t_code;

    public static int Code => t_code;
    public static byte* Message => t_message;
    public static int Length => t_length;

    /// <summary>Records <paramref name="e"/> and returns its status code; the one mapping from exceptions to codes.</summary>
    public static int Set(Exception e) => Set(Classify(e), MessageOf(e));

    // ArgumentException appends " (Parameter 'x')": noise to a Python user, who never sees .NET parameter names.
    private static string MessageOf(Exception e)
    {
        string m = e.Message;
        if (e is ArgumentException { ParamName: { } p })
        {
            string suffix = $" (Parameter '{p}')";
            if (m.EndsWith(suffix, StringComparison.Ordinal)) m = m[..^suffix.Length];
        }
        return m;
    }

    public static int Set(ErrorCode code, string message)
    {
        if (t_message != null) NativeMemory.Free(t_message);
        t_message = NativeUtf8.Alloc(message, out t_length);
        t_code = (int)code;
        return (int)code;
    }

    private static ErrorCode Classify(Exception e) => e switch
    {
        ArgumentException => ErrorCode.InvalidArgument,
        ConfigurationException => ErrorCode.Config,
        EncodeException => ErrorCode.Encode,
        OnnxRuntimeUnavailableException => ErrorCode.OnnxRuntimeUnavailable,
        OnnxRuntimeException { OrtCode: > 0 and < 100 } ort => ErrorCode.OnnxRuntimeCodeBase + ort.OrtCode,
        OnnxRuntimeException => ErrorCode.OnnxRuntime,
        FileNotFoundException or DirectoryNotFoundException => ErrorCode.FileNotFound,
        KeyNotFoundException => ErrorCode.Key,
        OperationCanceledException => ErrorCode.Cancelled,
        OutOfMemoryException or InsufficientMemoryException => ErrorCode.OutOfMemory,
        FormatException or InvalidDataException => ErrorCode.Config,
        NotSupportedException => ErrorCode.InvalidArgument,
        _ => ErrorCode.Internal,
    };
}
