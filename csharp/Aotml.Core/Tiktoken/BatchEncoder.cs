using Aotml.Tokenization;

namespace Aotml.Tiktoken;

/// <summary>tiktoken's encode_batch: <see cref="TokenBatch"/> with an encoding and a special-token policy.</summary>
public static class BatchEncoder
{
    /// <summary>
    /// Encodes <paramref name="count"/> texts with <paramref name="threads"/> threads (1 = the calling thread);
    /// OperationCanceledException soon after <paramref name="cancel"/> is set.
    /// </summary>
    public static TokenBatch Encode(TiktokenEncoding enc, SpecialPolicy policy, TextAt texts, int count, int threads,
        CancellationToken cancel = default)
        => TokenBatch.Encode(new PolicyEncoder(enc, policy), texts, count, threads, cancel);

    private readonly struct PolicyEncoder(TiktokenEncoding enc, SpecialPolicy policy) : ITextEncoder
    {
        public void Encode<TSink>(ReadOnlySpan<byte> text, ref TSink sink) where TSink : struct, ITokenSink
            => enc.Encode(text, policy, ref sink);
    }
}
