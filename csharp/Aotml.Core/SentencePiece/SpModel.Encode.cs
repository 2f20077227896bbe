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
                else Viterbi(norm, segments);
                break;
            case ModelType.Bpe: Bpe(norm, options.Sample ? options.Alpha : 0f, segments); break;
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
    [ThreadStatic] private static List<(int Start, int Length, int Id)>? t_segments;

    // The optimized Viterbi of sentencepiece's unigram model, with its arithmetic: user-defined and normal scores are
    // summed in double and stored as float; the unknown node is added in float.
    //
    // Performance notes (32k-piece model, English prose, CPU time on one core of a loaded 2-core machine):
    // - The walk waits on the trie: ~40% of the cycles sit on the load of the child's unit (a cache miss per byte).
    //   Reading the piece's id and score from that same 16-byte unit, instead of ids then kinds then scores in
    //   three arrays, took a batch of 0.39 MB from 18.8 to 14.0 ms.
    // - The step written inline (no PieceTrie.Step call) keeps the arrays in registers.
    // - Nothing is allocated per text: scratch arrays are per thread and grow to the longest text.
    // - Not done: a denser trie (8-byte units with ids elsewhere measured slower than one line per probe).
    private void Viterbi(ReadOnlySpan<byte> norm, List<(int, int, int)> segments)
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
        bestScore[0] = 0;
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
                    bestScore[pos] = (float)candidate;
                    startsAt[pos] = start;
                    ids[pos] = id;
                }
                if (length == mblen) hasSingle = true;
            }
            if (!hasSingle)
            {
                int end = start + mblen;
                float candidate = unkScore + till;
                if (startsAt[end] == -1 || candidate > bestScore[end])
                {
                    bestScore[end] = candidate;
                    startsAt[end] = start;
                    ids[end] = UnkId;
                }
            }
            start += mblen;
        }
        int first = segments.Count;
        for (int end = size; end > 0; end = startsAt[end]) segments.Add((startsAt[end], end - startsAt[end], ids[end]));
        segments.Reverse(first, segments.Count - first);
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
