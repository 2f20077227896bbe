namespace Aotml.Tokenization;

/// <summary>Pre-tokenized input (HF <c>is_pretokenized=True</c>): the caller's words instead of one text.</summary>
public sealed partial class Tokenizer
{
    /// <summary>
    /// Encodes a pre-tokenized sequence and, when <paramref name="pairWords"/> is not null, its pair, as HF does:
    /// every word goes alone through added-token matching, normalization, pre-tokenization and the model; its tokens
    /// get the word's index as word id and offsets within the word; then truncation, post-processing and padding as
    /// for text.
    /// </summary>
    public Encoding EncodeWords(IReadOnlyList<byte[]> words, IReadOnlyList<byte[]>? pairWords, in EncodeOptions options)
    {
        var encoding = EncodeWordSequence(words, 0, options);
        var pair = pairWords is null ? null : EncodeWordSequence(pairWords, 1, options);
        var result = PostProcess(encoding, pair, options);
        if (options.Padding is { } p) Padding.PadEncodings([result], p);
        return result;
    }

    /// <summary>
    /// Encodes a batch of pre-tokenized inputs on <paramref name="threads"/> threads created for the call, then pads
    /// the batch together (as <see cref="EncodeBatch"/>); input i is a pair when <paramref name="pairs"/>[i] is not null.
    /// </summary>
    public Encoding[] EncodeWordsBatch(IReadOnlyList<byte[][]> inputs, IReadOnlyList<byte[][]?>? pairs, in EncodeOptions options,
        int threads, CancellationToken cancel = default)
    {
        if (pairs != null && pairs.Count != inputs.Count) throw new ArgumentException($"{inputs.Count} inputs but {pairs.Count} pairs");
        var results = new Encoding[inputs.Count];
        var sizes = new long[inputs.Count];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = Size(inputs[i]) + (pairs?[i] is { } pw ? Size(pw) : 0) + 1;
        int[] bounds = BatchRunner.Plan(sizes, ref threads);
        var opts = options;
        BatchRunner.Run(bounds.Length - 1, threads, c =>
        {
            for (int i = bounds[c]; i < bounds[c + 1]; i++) results[i] = EncodeWords(inputs[i], pairs?[i], opts);
        }, cancel);
        if (options.Padding is { } p) Padding.PadEncodings(results, p);
        return results;
    }

    private static long Size(byte[][] words)
    {
        long n = 0;
        foreach (var w in words) n += w.Length + 1;
        return n;
    }

    // HF's encode_single_sequence over InputSequence::PreTokenized: one encoding per word, merged without shifting
    // the offsets (each word's offsets stay relative to the word).
    private Encoding EncodeWordSequence(IReadOnlyList<byte[]> words, uint typeId, in EncodeOptions options)
    {
        var parts = new Encoding[words.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            var e = EncodeSequence(words[i], typeId, options);
            var wordIds = e.WordIds;
            for (int k = 0; k < wordIds.Count; k++) wordIds[k] = i;
            parts[i] = e;
        }
        return Encoding.Merge(parts, false);
    }
}

/// <summary>Pre-tokenized inputs as they cross the C ABI: every word in one list, and two counts per input.</summary>
public static class PretokenizedInput
{
    /// <summary>
    /// Splits <paramref name="words"/> by <paramref name="counts"/>: input i has counts[2i] words, then its pair
    /// counts[2i+1] words (-1: no pair); the pairs are null when no input has one.
    /// </summary>
    public static (byte[][][] Inputs, List<byte[][]?>? Pairs) Split(byte[][] words, ReadOnlySpan<long> counts)
    {
        if (counts.Length % 2 != 0) throw new ArgumentException($"word_counts needs two counts per input, got {counts.Length}");
        int n = counts.Length / 2, at = 0;
        var inputs = new byte[n][][];
        var pairs = new List<byte[][]?>(n);
        bool anyPair = false;
        for (int i = 0; i < n; i++)
        {
            long a = counts[2 * i], b = counts[2 * i + 1];
            if (a < 0 || b < -1 || a > words.Length - at || b > words.Length - at - a)
                throw new ArgumentException($"word_counts[{2 * i}:{2 * i + 2}] = ({a}, {b}) does not fit the {words.Length} words");
            inputs[i] = words[at..(at + (int)a)];
            at += (int)a;
            if (b >= 0)
            {
                pairs.Add(words[at..(at + (int)b)]);
                at += (int)b;
                anyPair = true;
            }
            else pairs.Add(null);
        }
        if (at != words.Length) throw new ArgumentException($"word_counts name {at} words, but {words.Length} were given");
        return (inputs, anyPair ? pairs : null);
    }
}
