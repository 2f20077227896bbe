using System.Buffers;

namespace Aotml.SentencePiece;

/// <summary>One token of an encoding: its id and its piece, a span of the normalized text (Length &gt;= 0) or the
/// vocabulary's piece (Length &lt; 0: byte-fallback pieces).</summary>
public readonly record struct SpToken(int Id, int Start, int Length);

/// <summary>How to encode: sampling switches (BPE-dropout or unigram sampling).</summary>
public readonly record struct SpEncodeOptions(bool Sample, int NBestSize, float Alpha);

public sealed partial class SpModel
{
    /// <summary>Normalizes and segments <paramref name="text"/>; tokens index into <paramref name="normalized"/>.</summary>
    public void Encode(ReadOnlySpan<byte> text, in SpEncodeOptions options, ArrayBufferWriter<byte> normalized, List<SpToken> tokens)
    {
        normalized.ResetWrittenCount();
        tokens.Clear();
        Normalizer.Normalize(text, normalized);
        var norm = normalized.WrittenSpan;
        if (norm.IsEmpty) return;
        var segments = t_segments ??= [];
        segments.Clear();
        switch (_type)
        {
            case ModelType.Unigram:
                if (options.Sample && options.NBestSize < 0) SampleUnigram(norm, options.Alpha, segments);
                else if (options.Sample && options.NBestSize > 1) SampleNBest(norm, options.NBestSize, options.Alpha, segments);
                else if (_segmentCache) CachedViterbi(norm, segments);
                else Viterbi<NoMargins>(norm, 0f, 0, segments, out _, out _);
                break;
            case ModelType.Bpe:
                if (_segmentCache && !(options.Sample && options.Alpha > 0)) CachedBpe(norm, segments);
                else Bpe(norm, 0, options.Sample ? options.Alpha : 0f, segments);
                break;
            case ModelType.Char: Chars(norm, segments); break;
            default: Words(norm, segments); break;
        }
        Populate(norm, segments, tokens);
    }

    /// <summary>The tokens of a segmentation of <paramref name="norm"/>.</summary>
    public List<SpToken> Populate(ReadOnlySpan<byte> norm, List<(int Start, int Length, int Id)> segments)
    {
        var tokens = new List<SpToken>(segments.Count);
        Populate(norm, segments, tokens);
        return tokens;
    }

    // sentencepiece's PopulateSentencePieceText: unknown pieces become bytes (byte fallback) or merge with their
    // unknown neighbours, so a run of unknown characters is one token.
    private void Populate(ReadOnlySpan<byte> norm, List<(int Start, int Length, int Id)> segments, List<SpToken> tokens)
    {
        bool prevUnk = false;
        bool byteFallback = Proto.Trainer.ByteFallback;
        var types = _typeOf;
        foreach (var (start, length, id) in segments)
        {
            // Ids come from the tries (always in range); the types live in one byte each.
            byte type = types[id];
            bool unk = type == (byte)PieceType.Unknown;
            if (type == (byte)PieceType.Control)
            {
                // A control piece consumes no text, so sentencepiece's final check (all text consumed) fails and
                // its Python binding returns an empty encoding.
                tokens.Clear();
                return;
            }
            else if (unk && byteFallback)
            {
                for (int i = 0; i < length; i++) tokens.Add(new SpToken(_byteIds[norm[start + i]], 0, -1));
            }
            else if (unk && prevUnk)
            {
                var last = tokens[^1];
                tokens[^1] = last with { Length = last.Length + length };
            }
            else tokens.Add(new SpToken(id, start, length));
            prevUnk = unk;
        }
    }

    // Per-thread scratch of the unigram Viterbi, grown to the longest text seen: encoding allocates nothing per text.
    [ThreadStatic] private static float[]? t_bestScore;
    [ThreadStatic] private static int[]? t_startsAt, t_ids;
    [ThreadStatic] private static double[]? t_bestCandidate, t_second;
    [ThreadStatic] private static List<(int Start, int Length, int Id)>? t_segments;

    // Whether the Viterbi also measures how near its decisions are to ties (SpModel.Segments.cs).
    private interface IMarginMode { static abstract bool On { get; } }
    private struct WithMargins : IMarginMode { public static bool On => true; }
    private struct NoMargins : IMarginMode { public static bool On => false; }

    // The optimized Viterbi of sentencepiece's unigram model, with its arithmetic: user-defined and normal scores are
    // summed in double and stored as float; the unknown node is added in float. Segments text (a whole normalized
    // text, or one whitespace segment of it) from the path score startScore; appends its tokens shifted by offset
    // and returns the best path's score at the end. With margins: the smallest gap, over all positions, between the
    // winning candidate and the best other one (+inf if no position had two), and the largest |candidate|.
    //
    // Performance notes (32k-piece model, English prose, CPU time on one core of a loaded 2-core machine):
    // - The walk waits on the trie: ~40% of the cycles sit on the load of the child's unit (a cache miss per byte).
    //   Reading the piece's id and score from that same 16-byte unit, instead of ids then kinds then scores in
    //   three arrays, took a batch of 0.39 MB from 18.8 to 14.0 ms.
    // - The step written inline (no PieceTrie.Step call) keeps the arrays in registers.
    // - Nothing is allocated per text: scratch arrays are per thread and grow to the longest text.
    // - Not done: a denser trie (8-byte units with ids elsewhere measured slower than one line per probe).
    // - Most segments never reach this walk: see the segment cache (SpModel.Segments.cs).
    private float Viterbi<TMargins>(ReadOnlySpan<byte> norm, float startScore, int offset, List<(int, int, int)> segments,
        out double margin, out double magnitude) where TMargins : struct, IMarginMode
    {
        int size = norm.Length;
        if (t_bestScore == null || t_bestScore.Length <= size)
        {
            int cap = Math.Max(256, (size + 1) * 2);
            t_bestScore = new float[cap];
            t_startsAt = new int[cap];
            t_ids = new int[cap];
        }
        var bestScore = t_bestScore.AsSpan(0, size + 1);
        var startsAt = t_startsAt.AsSpan(0, size + 1);
        var ids = t_ids.AsSpan(0, size + 1);
        Span<double> bestCandidate = default, second = default;
        margin = double.PositiveInfinity;
        magnitude = 0;
        if (TMargins.On)
        {
            if (t_second == null || t_second.Length <= size)
            {
                t_bestCandidate = new double[Math.Max(256, (size + 1) * 2)];
                t_second = new double[t_bestCandidate.Length];
            }
            bestCandidate = t_bestCandidate.AsSpan(0, size + 1);
            second = t_second.AsSpan(0, size + 1);
            second.Fill(double.NegativeInfinity);
        }
        bestScore[0] = startScore;
        startsAt.Fill(-1);
        float unkScore = _minScore - UnkPenalty;
        var kinds = _latticeKind;
        var units = _normal.Units;
        for (int start = 0; start < size;)
        {
            float till = bestScore[start];
            bool hasSingle = false;
            int mblen = Math.Min(OneCharLen(norm[start]), size - start);
            int node = 0;
            for (int pos = start; pos < size;)
            {
                // The trie step inline: the child by this byte, then the id and score stored there, one probe each.
                int p = units[node].Base + norm[pos];
                pos++;
                if ((uint)p >= (uint)units.Length) break;
                int check = units[p].Check;
                if ((check & ~PieceTrie.HasValue) != node) break;
                node = p;
                if (check >= 0) continue;
                ref readonly var entry = ref units[p];
                int id = entry.Id;
                int length = pos - start;
                double score = entry.Score;
                if (float.IsNaN(entry.Score))
                {
                    // Not a plain normal piece: user-defined (scored by length) or never a node.
                    byte kind = kinds[id];
                    if (kind == KindSkip) continue;
                    if (kind == KindUserDefined) score = (double)(length * _maxScore) - 0.1;
                }
                double candidate = score + till;
                if (startsAt[pos] == -1 || candidate > bestScore[pos])
                {
                    if (TMargins.On && startsAt[pos] != -1) second[pos] = Math.Max(second[pos], bestCandidate[pos]);
                    bestScore[pos] = (float)candidate;
                    startsAt[pos] = start;
                    ids[pos] = id;
                    if (TMargins.On) bestCandidate[pos] = candidate;
                }
                else if (TMargins.On) second[pos] = Math.Max(second[pos], candidate);
                if (TMargins.On) magnitude = Math.Max(magnitude, Math.Abs(candidate));
                if (length == mblen) hasSingle = true;
            }
            if (!hasSingle)
            {
                int end = start + mblen;
                float candidate = unkScore + till;
                if (startsAt[end] == -1 || candidate > bestScore[end])
                {
                    if (TMargins.On && startsAt[end] != -1) second[end] = Math.Max(second[end], bestCandidate[end]);
                    bestScore[end] = candidate;
                    startsAt[end] = start;
                    ids[end] = UnkId;
                    if (TMargins.On) bestCandidate[end] = candidate;
                }
                else if (TMargins.On) second[end] = Math.Max(second[end], candidate);
                if (TMargins.On) magnitude = Math.Max(magnitude, Math.Abs((double)candidate));
            }
            start += mblen;
        }
        if (TMargins.On)
        {
            for (int pos = 1; pos <= size; pos++)
                if (startsAt[pos] != -1) margin = Math.Min(margin, bestCandidate[pos] - second[pos]);
        }
        int first = segments.Count;
        for (int end = size; end > 0; end = startsAt[end]) segments.Add((startsAt[end] + offset, end - startsAt[end], ids[end]));
        segments.Reverse(first, segments.Count - first);
        return bestScore[size];
    }

    private int PrefixMatch(ReadOnlySpan<byte> s, out bool userDefined)
    {
        int m = _userDefined?.LongestPrefix(s) ?? 0;
        userDefined = m > 0;
        return m > 0 ? m : Math.Min(s.Length, OneCharLen(s[0]));
    }

    private void Chars(ReadOnlySpan<byte> norm, List<(int, int, int)> segments)
    {
        for (int i = 0; i < norm.Length;)
        {
            int n = PrefixMatch(norm[i..], out _);
            segments.Add((i, n, PieceToId(norm.Slice(i, n))));
            i += n;
        }
    }

    // sentencepiece's SplitIntoWords with its defaults: a word starts at the text's start and at each U+2581.
    private void Words(ReadOnlySpan<byte> norm, List<(int, int, int)> segments)
    {
        int wordStart = 0;
        for (int i = 0; i < norm.Length;)
        {
            int n = Math.Min(OneCharLen(norm[i]), norm.Length - i);
            if (i > 0 && norm.Slice(i, n).SequenceEqual("\u2581"u8))
            {
                segments.Add((wordStart, i - wordStart, PieceToId(norm[wordStart..i])));
                wordStart = i;
            }
            i += n;
        }
        segments.Add((wordStart, norm.Length - wordStart, PieceToId(norm[wordStart..])));
    }
}
