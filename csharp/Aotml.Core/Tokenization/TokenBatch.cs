namespace Aotml.Tokenization;

/// <summary>Returns text <c>i</c> of a batch as UTF-8; must be callable from any thread during the call.</summary>
public delegate ReadOnlySpan<byte> TextAt(int index);

/// <summary>
/// Encodes one text into ids (a struct, so the batch loop is compiled per encoder and the sink per encoder call).
/// An encoder for <see cref="TokenBatch"/> emits at most one token per byte of text, as byte-level BPEs do.
/// </summary>
public interface ITextEncoder
{
    /// <summary>Encodes <paramref name="text"/> into <paramref name="sink"/>.</summary>
    void Encode<TSink>(ReadOnlySpan<byte> text, ref TSink sink) where TSink : struct, ITokenSink;
}

/// <summary>
/// The ids of a batch of texts, encoded on threads created for the call (see <see cref="BatchRunner"/>): one buffer
/// per chunk, concatenated in text order on copy, and offsets (count + 1) into the flat ids.
/// </summary>
public sealed class TokenBatch
{
    private readonly uint[][] _parts;
    private readonly long[] _partLengths;

    /// <summary>Token offsets: text i has ids [Offsets[i], Offsets[i + 1]) of the flat array.</summary>
    public long[] Offsets { get; }

    /// <summary>Total number of tokens.</summary>
    public long Total => Offsets[^1];

    private TokenBatch(uint[][] parts, long[] partLengths, long[] offsets) { _parts = parts; _partLengths = partLengths; Offsets = offsets; }

    /// <summary>Copies the flat ids into <paramref name="dest"/> (at least <see cref="Total"/> long).</summary>
    public void CopyTo(Span<uint> dest)
    {
        int at = 0;
        for (int p = 0; p < _parts.Length; p++)
        {
            _parts[p].AsSpan(0, (int)_partLengths[p]).CopyTo(dest[at..]);
            at += (int)_partLengths[p];
        }
    }

    /// <summary>
    /// Encodes <paramref name="count"/> texts with <paramref name="threads"/> threads (1 = the calling thread);
    /// the first failing text's exception is thrown, as a sequential loop would. <paramref name="cancel"/> is checked
    /// between texts (OperationCanceledException once it is set).
    /// </summary>
    public static unsafe TokenBatch Encode<TEncoder>(TEncoder encoder, TextAt texts, int count, int threads,
        CancellationToken cancel = default)
        where TEncoder : struct, ITextEncoder
    {
        if (count < 0) throw new ArgumentException("negative text count");
        if (threads < 1) throw new ArgumentException($"num_threads must be at least 1, got {threads}");
        var lens = new long[count];
        for (int i = 0; i < count; i++) lens[i] = texts(i).Length;
        int[] bounds = BatchRunner.Plan(lens, ref threads);
        int chunks = bounds.Length - 1;
        var counts = new long[count];
        var parts = new uint[chunks][];
        var partLengths = new long[chunks];

        BatchRunner.Run(chunks, threads, c =>
        {
            int lo = bounds[c], hi = bounds[c + 1];
            long cap = 0;
            for (int i = lo; i < hi; i++) cap += lens[i];
            if (cap > Array.MaxLength) throw new ArgumentException("a single text exceeds 2**31 bytes");
            var buf = GC.AllocateUninitializedArray<uint>((int)cap);
            long at = 0;
            fixed (uint* p = buf)
            {
                for (int i = lo; i < hi; i++)
                {
                    cancel.ThrowIfCancellationRequested();
                    var sink = new PointerSink(p + at, cap - at);
                    encoder.Encode(texts(i), ref sink);
                    counts[i] = sink.Count;
                    at += sink.Count;
                }
            }
            parts[c] = buf;
            partLengths[c] = at;
        }, cancel);

        var offsets = new long[count + 1];
        for (int i = 0; i < count; i++) offsets[i + 1] = offsets[i] + counts[i];
        return new TokenBatch(parts, partLengths, offsets);
    }
}
