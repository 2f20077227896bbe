using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aotml.SentencePiece;

// Encoding by whitespace segments through a per-thread cache (SpSegmentCache), for models whose pieces never cross a
// whitespace boundary.
//
// Why it is exact. When no lattice piece (normal, user-defined, unused) holds U+2581 except as its first character
// (its last, with treat_whitespace_as_suffix), no piece and no unknown character spans the start of a "▁word"
// segment, so every path of the lattice passes through each boundary:
// - BPE: no pair across a boundary is ever a vocabulary piece, so the merges of a segment are those of the segment
//   alone, in the same order (highest score, then leftmost); a segment's tokens are a pure function of its bytes.
// - Unigram: sentencepiece's Viterbi stores each position's best path score as a float summed from the start of the
//   text, so a segment's decisions depend on the score T reaching it through rounding, and near-ties can flip. The
//   whole-text Viterbi restricted to a segment is exactly the Viterbi of the segment started from T (positions in a
//   segment only read scores of that segment and of its start). A segment is segmented once from 0 while measuring
//   the smallest gap m between each position's winning candidate and the best other one, and the largest candidate
//   magnitude M. From T instead, each candidate moves by T plus at most n roundings along its path (n = the
//   segment's bytes), each under 2^-24 (|T| + 3M) (any gap is at most 2M), so every decision is the same while
//   m > (2n + 4) 2^-23 (|T| + 2M + 1); the cache keeps the largest |T| this allows. When |T| exceeds a hit's limit,
//   the segment is segmented again from the exact T (a near-tie is decided as the whole text would decide it). T
//   itself is exact: the path's pieces are summed again with the Viterbi's own arithmetic (float stores of double
//   sums). tests/test_sentencepiece.py's near-tie models (every segmentation scores the same) fail without this.
//
// Performance notes (32k-piece models and corpora of bench/sentencepiece.py, one thread, CPU time on a loaded 2-core
// machine; x = before / after in one run):
// - Final, Python batch of 0.3 MB (tools: /tmp harnesses, not kept): BPE 3.8-9.2x faster (a hit replaces the agenda
//   of merges), unigram 1.3-2.3x (English most: 4,451 distinct segments; multilingual least: CJK lines are single
//   segments over 48 bytes, not cached, and 14% of its bytes).
// - Slots first: 4,096 direct-mapped slots in separate arrays (a hit touched ~7 lines) -> 16,384 packed 128-byte
//   slots (two adjacent lines): unigram English 1.37x -> 1.74x over no cache (engine alone).
// - Two ways per set (8,192 sets): English 2.0x; 16,384 sets gave nothing more. Two ways still lost a third of the
//   code corpus' 9,276 distinct segments every pass (that many keys share a set with two others at that load).
// - 8 ways of 2,048 sets, their hashes in one line: misses down to a few percent; unigram code 1.3x -> 1.45x,
//   multilingual 1.24x -> 1.47x, BPE code and multilingual 2x faster again.
// - Most segments fit 32 bytes and 6 tokens: 64-byte slots (one line, 1 MB table) for those, a 512 KB table of
//   128-byte slots for the rest: 0-18% faster (mean ~7%). A hit now mostly waits on its slot's line (perf).
// - Batch threads live for one call, so each started with a new, empty cache (2 MB to allocate, every segment a
//   miss): 2 threads cost 1.2-1.7x the CPU time of one. Their caches are parked with the model when they are done
//   and taken by the next call's threads: 1.06-1.3x.
// - The near-tie fallback runs for about one segment in 2,000 (none on these corpora once warm).
// - The segment's end is found by a scalar scan for U+2581's lead byte: IndexOf of the 3-byte sequence cost more
//   than the scan on segments of a few bytes.
// - Not done: caching segments over 48 bytes (CJK lines; they would hit only when whole lines repeat), splitting
//   them at characters no piece holds past its start (measured: CJK lines barely split).
public sealed partial class SpModel
{
    private static long s_serial;
    private readonly long _serial = Interlocked.Increment(ref s_serial);
    private readonly SpSegmentCache?[] _parking = SpSegmentCache.NewParking();

    /// <summary>Hands this thread's segment cache to the next thread that encodes with this model (a batch
    /// thread that is done: it would take its warm cache with it).</summary>
    internal void ParkCache() => SpSegmentCache.Park(_parking);

    // Whether pieces never cross a whitespace boundary (so the segment cache is exact), and which side of U+2581
    // a segment starts on.
    private readonly bool _segmentCache;
    private readonly bool _suffix;

    private static ReadOnlySpan<byte> Space => "\u2581"u8;

    // Whether no lattice piece holds U+2581 except as its first character (its last, suffix). Pieces that are not
    // UTF-8 disable the cache too: characters are then not what the normalized text's are.
    private static bool PiecesStayInSegments(SpPiece[] pieces, bool suffix)
    {
        foreach (var p in pieces)
        {
            if (p.Type is not (PieceType.Normal or PieceType.UserDefined or PieceType.Unused)) continue;
            var b = p.Utf8.AsSpan();
            if (!System.Text.Unicode.Utf8.IsValid(b)) return false;
            if (b.Length <= Space.Length) continue;
            if ((suffix ? b[..^Space.Length] : b[1..]).IndexOf(Space) >= 0) return false;
        }
        return true;
    }

    // The end of the segment starting at start: the next U+2581 (prefix), or just past it (suffix). A search for its
    // lead byte: segments are a few bytes long, too short for a vectorized search to pay for its set-up.
    private int SegmentEnd(ReadOnlySpan<byte> norm, int start)
    {
        int i = _suffix ? start : start + 1;
        for (; i + 2 < norm.Length; i++)
        {
            if (norm[i] == 0xE2 && norm[i + 1] == 0x96 && norm[i + 2] == 0x81) return _suffix ? i + 3 : i;
        }
        return norm.Length;
    }

    private void CachedViterbi(ReadOnlySpan<byte> norm, List<(int, int, int)> segments)
    {
        var cache = SpSegmentCache.For(_serial, _parking);
        float score = 0;  // the best path's score at the segment's start, as the whole-text Viterbi stores it
        for (int start = 0; start < norm.Length;)
        {
            int end = SegmentEnd(norm, start);
            var seg = norm[start..end];
            if (seg.Length > SpSegmentCache.MaxKey)
            {
                score = Viterbi<NoMargins>(seg, score, start, segments, out _, out _);
                start = end;
                continue;
            }
            ulong hash = SpSegmentCache.Hash(seg);
            int slot = cache.Find(seg, hash);
            int from = segments.Count;
            if (slot >= 0)
            {
                if (score == 0 || Math.Abs(score) < cache.Limit(slot)) score = EmitHit(cache.Tokens(slot), start, segments, score);
                else score = Viterbi<NoMargins>(seg, score, start, segments, out _, out _);
            }
            else
            {
                // From 0 (T = 0 is the whole-text computation itself), measuring how near its decisions are to ties.
                float local = Viterbi<WithMargins>(seg, 0f, start, segments, out double margin, out double magnitude);
                float limit = Limit(margin, magnitude, seg.Length);
                cache.Put(seg, hash, segments, from, limit);
                if (score == 0) score = local;
                else if (Math.Abs(score) < limit) score = Replay(segments, from, score);
                else
                {
                    segments.RemoveRange(from, segments.Count - from);
                    score = Viterbi<NoMargins>(seg, score, start, segments, out _, out _);
                }
            }
            start = end;
        }
    }

    // The largest |T| for which decisions with gap margin among candidates of magnitude at most magnitude, on a
    // segment of n bytes, are those of a start from T (see above); rounded down, negative when there is none.
    private static float Limit(double margin, double magnitude, int n)
    {
        if (double.IsPositiveInfinity(margin)) return float.PositiveInfinity;
        double perStep = (2.0 * n + 4) * Math.ScaleB(1.0, -23);
        double limit = margin / perStep - (2 * magnitude + 1);
        return limit <= 0 ? -1f : (float)(limit * (1 - 1e-6));
    }

    // Appends a cached segment's tokens from start and returns the path's score after them (Replay's arithmetic).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float EmitHit(ReadOnlySpan<uint> tokens, int start, List<(int, int, int)> segments, float score)
    {
        float unkScore = _minScore - UnkPenalty;
        var kinds = _latticeKind;
        var scores = _latticeScore;
        foreach (uint t in tokens)
        {
            int length = (int)(t >> 24), id = (int)(t & (SpSegmentCache.MaxId - 1));
            segments.Add((start, length, id));
            start += length;
            if (id == UnkId) score = unkScore + score;
            else
            {
                double w = kinds[id] == KindUserDefined ? (double)(length * _maxScore) - 0.1 : scores[id];
                score = (float)(w + score);
            }
        }
        return score;
    }

    // The score of the path segments[from..] from score, with the Viterbi's arithmetic.
    private float Replay(List<(int Start, int Length, int Id)> segments, int from, float score)
    {
        float unkScore = _minScore - UnkPenalty;
        foreach (var (_, length, id) in CollectionsMarshal.AsSpan(segments)[from..])
        {
            if (id == UnkId) score = unkScore + score;
            else
            {
                double w = _latticeKind[id] == KindUserDefined ? (double)(length * _maxScore) - 0.1 : _latticeScore[id];
                score = (float)(w + score);
            }
        }
        return score;
    }

    private void CachedBpe(ReadOnlySpan<byte> norm, List<(int, int, int)> segments)
    {
        var cache = SpSegmentCache.For(_serial, _parking);
        for (int start = 0; start < norm.Length;)
        {
            int end = SegmentEnd(norm, start);
            var seg = norm[start..end];
            if (seg.Length > SpSegmentCache.MaxKey)
            {
                Bpe(seg, start, 0f, segments);
                start = end;
                continue;
            }
            ulong hash = SpSegmentCache.Hash(seg);
            int slot = cache.Find(seg, hash);
            if (slot >= 0) cache.Emit(slot, start, segments);
            else
            {
                int from = segments.Count;
                Bpe(seg, start, 0f, segments);
                cache.Put(seg, hash, segments, from, float.PositiveInfinity);
            }
            start = end;
        }
    }
}
