namespace Aotml.Native;

/// <summary>Status codes returned by every export. Stable: kept in sync with include/aotml.h and python/aotml/_errors.py.</summary>
internal enum ErrorCode
{
    Ok = 0,
    InvalidArgument = 1,
    Config = 2,
    Encode = 3,
    OnnxRuntime = 4,
    FileNotFound = 5,
    Key = 6,
    Cancelled = 7,
    OutOfMemory = 8,
    Internal = 9,
    OnnxRuntimeUnavailable = 10,

    /// <summary>ONNX Runtime's own error: the status is this base plus its OrtErrorCode (1 = FAIL ... 11 = EP_FAIL), so
    /// Python raises onnxruntime's exception for it. <see cref="OnnxRuntime"/> remains for a code out of range.</summary>
    OnnxRuntimeCodeBase = 100,
}
