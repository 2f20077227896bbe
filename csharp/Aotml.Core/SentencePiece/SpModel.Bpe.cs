namespace Aotml.SentencePiece;

public sealed partial class SpModel
{
    private struct BpeSymbol
    {
        public int Prev, Next, Start, Length;
        // The trie node the symbol's bytes lead to (-1: no piece starts with them), so a pair is looked up by
        // walking the right symbol's bytes from the left one's node instead of the whole pair from the root.
        public int Node;
        public bool Freeze;
    }

    // The agenda's order as one integer, smallest first: highest score first, on a tie the leftmost pair
    // (sentencepiece's agenda order); the float's bits mapped so integer order is float order, NaN below all.
    private static ulong PairKey(float score, int left)
    {
        uint u;
        if (float.IsNaN(score)) u = 0;
        else
        {
            if (score == 0) score = 0;  // -0 ties with +0
            uint bits = BitConverter.SingleToUInt32Bits(score);
            u = (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
        }
        return ((ulong)~u << 32) | (uint)left;
    }

    // Per-thread scratch of BPE: the symbols and the agenda of candidate merges, reused text after text.
    [ThreadStatic] private static List<BpeSymbol>? t_symbols;
    [ThreadStatic] private static PriorityQueue<(int Left, int Right, int Size, int Node), ulong>? t_agenda;

    // sentencepiece's BPE: characters (user-defined symbols whole and frozen) merged by the score of the merged piece;
    // alpha > 0 skips each merge with that probability (BPE-dropout); unused pieces are split back into their parts.
    // Segments norm (a whole normalized text, or one whitespace segment of it); tokens are shifted by offset.
    private void Bpe(ReadOnlySpan<byte> norm, int offset, float alpha, List<(int, int, int)> segments)
    {
        var symbols = t_symbols ??= [];
        symbols.Clear();
        for (int i = 0; i < norm.Length;)
        {
            int n = PrefixMatch(norm[i..], out bool freeze);
            symbols.Add(new BpeSymbol { Prev = symbols.Count - 1, Next = i + n < norm.Length ? symbols.Count + 1 : -1, Start = i, Length = n,
                Node = freeze ? -1 : _normal.Walk(0, norm.Slice(i, n)), Freeze = freeze });
            i += n;
        }
        if (symbols.Count == 0) return;
        var sym = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(symbols);
        var agenda = t_agenda ??= new PriorityQueue<(int Left, int Right, int Size, int Node), ulong>();
        agenda.Clear();
        Dictionary<(int, int), (int, int, int, int)>? revMerge = null;  // (start, len) -> (l start, l len, r start, r len)
        for (int i = 1; i < sym.Length; i++) MaybeAdd(sym, i - 1, i, norm, agenda, ref revMerge);
        Random? rng = alpha > 0 && alpha < 1 ? Random.Shared : null;
        while (agenda.TryDequeue(out var top, out _))
        {
            ref var l = ref sym[top.Left];
            ref var r = ref sym[top.Right];
            if (l.Length == 0 || r.Length == 0 || l.Length + r.Length != top.Size) continue;
            if (alpha >= 1 || (rng != null && rng.NextDouble() < alpha)) continue;
            l.Length += r.Length;
            l.Node = top.Node;
            l.Next = r.Next;
            if (r.Next >= 0) sym[r.Next].Prev = top.Left;
            r.Length = 0;
            MaybeAdd(sym, l.Prev, top.Left, norm, agenda, ref revMerge);
            MaybeAdd(sym, top.Left, l.Next, norm, agenda, ref revMerge);
        }
        for (int i = 0; i != -1; i = sym[i].Next) Resegment(norm, offset, sym[i].Start, sym[i].Length, revMerge, segments);
    }

    private void MaybeAdd(Span<BpeSymbol> s, int left, int right, ReadOnlySpan<byte> text,
        PriorityQueue<(int Left, int Right, int Size, int Node), ulong> agenda, ref Dictionary<(int, int), (int, int, int, int)>? revMerge)
    {
        if (left == -1 || right == -1 || s[left].Freeze || s[right].Freeze || s[left].Node < 0) return;
        int size = s[left].Length + s[right].Length;
        int node = _normal.Walk(s[left].Node, text.Slice(s[right].Start, s[right].Length));
        int id = node < 0 ? -1 : _normal.Value(node);
        if (id < 0) return;
        agenda.Enqueue((left, right, size, node), PairKey(_latticeScore[id], left));
        if (_latticeKind[id] == KindSkip)  // in this trie: an unused piece
            (revMerge ??= [])[(s[left].Start, size)] = (s[left].Start, s[left].Length, s[right].Start, s[right].Length);
    }

    private void Resegment(ReadOnlySpan<byte> norm, int offset, int start, int length,
        Dictionary<(int, int), (int, int, int, int)>? revMerge, List<(int, int, int)> segments)
    {
        int id = PieceToId(norm.Slice(start, length));
        if (!Is(id, PieceType.Unused) || revMerge == null || !revMerge.TryGetValue((start, length), out var parts))
        {
            segments.Add((start + offset, length, id));
            return;
        }
        Resegment(norm, offset, parts.Item1, parts.Item2, revMerge, segments);
        Resegment(norm, offset, parts.Item3, parts.Item4, revMerge, segments);
    }
}
