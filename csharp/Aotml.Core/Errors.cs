namespace Aotml;

// The core reports failures with standard .NET exceptions (ArgumentException, KeyNotFoundException,
// FileNotFoundException, OperationCanceledException) and the few domain types below; the native layer maps each
// to a stable status code in one place. The core never sees status codes.

/// <summary>A tokenizer or encoding definition (tokenizer.json, .tiktoken, ranks) is malformed.</summary>
public sealed class ConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Text cannot be encoded under the requested policy (for example a disallowed special token).</summary>
public sealed class EncodeException(string message) : Exception(message);

/// <summary>ONNX Runtime returned an error status; <see cref="OrtCode"/> is its OrtErrorCode.</summary>
public class OnnxRuntimeException(int ortCode, string message) : Exception(message)
{
    /// <summary>The OrtErrorCode value (1 = FAIL, 2 = INVALID_ARGUMENT, 3 = NO_SUCHFILE, ...).</summary>
    public int OrtCode { get; } = ortCode;
}

/// <summary>The ONNX Runtime shared library could not be found or loaded.</summary>
public sealed class OnnxRuntimeUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
