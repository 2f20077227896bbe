namespace Aotml.SentencePiece;

public sealed partial class SpModel
{
    private readonly record struct LatticeNode(int Start, int Length, int Id, float Score);

    // All candidate pieces ending at each byte position (sentencepiece's Lattice::PopulateNodes, where a
    // user-defined piece scores its length in characters times the largest score, less 0.1).
    private List<LatticeNode>[] BuildLattice(ReadOnlySpan<byte> norm)
    {
        int size = norm.Length;
        var endsAt = new List<LatticeNode>[size + 1];
        for (int i = 0; i <= size; i++) endsAt[i] = [];
        float unkScore = _minScore - UnkPenalty;
        for (int start = 0; start < size;)
        {
            int mblen = Math.Min(OneCharLen(norm[start]), size - start);
            bool hasSingle = false;
            int node = 0, chars = 0;
            for (int pos = start; pos < size;)
            {
                if ((norm[pos] & 0xC0) != 0x80) chars++;
                node = _normal.Child(node, norm[pos]);
                pos++;
                if (node < 0) break;
                int id = _normal.Value(node);
                if (id < 0 || _pieces[id].Type == PieceType.Unused) continue;
                float score = _pieces[id].Type == PieceType.UserDefined ? (float)(chars * _maxScore - 0.1) : _pieces[id].Score;
                endsAt[pos].Add(new LatticeNode(start, pos - start, id, score));
                if (pos - start == mblen) hasSingle = true;
            }
            if (!hasSingle) endsAt[start + mblen].Add(new LatticeNode(start, mblen, UnkId, unkScore));
            start += mblen;
        }
        return endsAt;
    }

    // Forward filtering, backward sampling: a segmentation drawn with probability proportional to exp(alpha * score).
    private double SampleUnigram(ReadOnlySpan<byte> norm, float alpha, List<(int, int, int)> segments)
    {
        var endsAt = BuildLattice(norm);
        int size = norm.Length;
        var logZ = new double[size + 1];
        Array.Fill(logZ, double.NegativeInfinity);
        logZ[0] = 0;
        for (int end = 1; end <= size; end++)
        {
            double acc = double.NegativeInfinity;
            foreach (var n in endsAt[end])
                if (!double.IsNegativeInfinity(logZ[n.Start])) acc = LogAdd(acc, logZ[n.Start] + alpha * n.Score);
            logZ[end] = acc;
        }
        var rng = Random.Shared;
        int first = segments.Count;
        for (int end = size; end > 0;)
        {
            double u = rng.NextDouble(), cum = 0;
            LatticeNode chosen = default;
            bool any = false;
            foreach (var n in endsAt[end])
            {
                if (double.IsNegativeInfinity(logZ[n.Start])) continue;
                chosen = n;
                any = true;
                cum += Math.Exp(logZ[n.Start] + alpha * n.Score - logZ[end]);
                if (u < cum) break;
            }
            if (!any) throw new InvalidOperationException("unigram lattice has no path");
            segments.Add((chosen.Start, chosen.Length, chosen.Id));
            end = chosen.Start;
        }
        segments.Reverse(first, segments.Count - first);
        return logZ[size];
    }

    /// <summary>
    /// sentencepiece's SampleEncodeAndScore with replacement: <paramref name="samples"/> segmentations drawn from the
    /// lattice with probability proportional to exp(alpha * score), each with its log-probability (the path's
    /// alpha-scaled score summed in float, less the log partition function).
    /// </summary>
    public List<(List<(int Start, int Length, int Id)> Segments, double LogProb)> SampleWithScores(ReadOnlySpan<byte> norm, int samples, float alpha)
    {
        if (_type != ModelType.Unigram) throw new ArgumentException("sampling with scores needs a unigram model");
        var result = new List<(List<(int, int, int)>, double)>();
        for (int k = 0; k < samples; k++)
        {
            var segs = new List<(int Start, int Length, int Id)>();
            double logZ = norm.IsEmpty ? 0 : SampleUnigram(norm, alpha, segs);
            float score = 0;
            foreach (var (start, length, id) in segs) score += alpha * NodeScore(norm, start, length, id);
            result.Add((segs, score - logZ));
        }
        return result;
    }

    // A lattice node's score as BuildLattice gives it.
    private float NodeScore(ReadOnlySpan<byte> norm, int start, int length, int id)
    {
        if (id == UnkId) return _minScore - UnkPenalty;  // the unknown piece is never in the lattice's trie
        if (_pieces[id].Type != PieceType.UserDefined) return _pieces[id].Score;
        int chars = 0;
        foreach (byte b in norm.Slice(start, length)) if ((b & 0xC0) != 0x80) chars++;
        return (float)(chars * _maxScore - 0.1);
    }

    private static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        double hi = Math.Max(a, b), lo = Math.Min(a, b);
        return hi + Math.Log(1 + Math.Exp(lo - hi));
    }

    /// <summary>The <paramref name="n"/> best segmentations of normalized text, best first, with their scores.</summary>
    public List<(List<(int Start, int Length, int Id)> Segments, double Score)> NBest(ReadOnlySpan<byte> norm, int n)
    {
        var result = new List<(List<(int, int, int)>, double)>();
        if (_type != ModelType.Unigram) throw new ArgumentException("n-best encoding needs a unigram model");
        if (norm.IsEmpty)
        {
            result.Add(([], 0));  // one empty segmentation, as sentencepiece answers
            return result;
        }
        if (n <= 0) return result;
        var endsAt = BuildLattice(norm);
        int size = norm.Length;
        // best[end]: up to n partial paths ending at end, best first: (score, node, rank of the path at node.Start).
        var best = new List<(double Score, LatticeNode Node, int PrevRank)>[size + 1];
        best[0] = [(0, default, -1)];
        var candidates = new List<(double Score, LatticeNode Node, int PrevRank)>();
        for (int end = 1; end <= size; end++)
        {
            candidates.Clear();
            foreach (var node in endsAt[end])
            {
                var prev = best[node.Start];
                if (prev == null) continue;
                for (int r = 0; r < prev.Count; r++) candidates.Add((prev[r].Score + node.Score, node, r));
            }
            candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
            best[end] = candidates.Count == 0 ? null! : candidates.GetRange(0, Math.Min(n, candidates.Count));
        }
        if (best[size] == null) return result;
        foreach (var top in best[size])
        {
            var segs = new List<(int, int, int)>();
            var cur = top;
            while (true)
            {
                segs.Add((cur.Node.Start, cur.Node.Length, cur.Node.Id));
                if (cur.Node.Start == 0) break;
                cur = best[cur.Node.Start][cur.PrevRank];
            }
            segs.Reverse();
            result.Add((segs, top.Score));
        }
        return result;
    }

    // nbest_size > 1 with sampling: one of the n best, drawn with probability proportional to exp(alpha * score).
    private void SampleNBest(ReadOnlySpan<byte> norm, int nbest, float alpha, List<(int, int, int)> segments)
    {
        var list = NBest(norm, nbest);
        if (list.Count == 0) return;
        double z = double.NegativeInfinity;
        foreach (var (_, s) in list) z = LogAdd(z, alpha * s);
        double u = Random.Shared.NextDouble(), cum = 0;
        var pick = list[^1].Segments;
        foreach (var (segs, s) in list)
        {
            cum += Math.Exp(alpha * s - z);
            if (u < cum) { pick = segs; break; }
        }
        segments.AddRange(pick);
    }
}
