using Aotml.Text;

namespace Aotml.Tokenization;

/// <summary>
/// Normalized text cut into pieces by pre-tokenizers (HF's PreTokenizedString). Each piece is a
/// <see cref="NormalizedString"/> of its own, still aligned to the whole original text, so later pre-tokenizers may
/// also transform a piece (ByteLevel does). A piece may already carry its tokens (an added token found before the
/// model ran): pre-tokenizers leave such pieces alone.
/// </summary>
public sealed partial class PreTokenizedString
{
    private List<NormalizedString> _pieces;
    private List<TokenRun?> _tokens;

    /// <summary>Tokens of one piece: [Start, Start + Count) of the shared token list.</summary>
    internal readonly record struct TokenRun(int Start, int Count);

    /// <summary>One piece: the whole of <paramref name="text"/> (none if it is empty).</summary>
    public PreTokenizedString(NormalizedString text)
    {
        _pieces = text.IsEmpty ? [] : [text];
        _tokens = text.IsEmpty ? [] : [null];
    }

    internal PreTokenizedString(List<NormalizedString> pieces, List<TokenRun?> tokens)
    {
        _pieces = pieces;
        _tokens = tokens;
    }

    /// <summary>The pieces, in text order.</summary>
    public IReadOnlyList<NormalizedString> Pieces => _pieces;

    /// <summary>The token run of piece <paramref name="i"/>, null while it is not tokenized.</summary>
    internal TokenRun? TokensOf(int i) => _tokens[i];

    internal void SetTokens(int i, TokenRun run) => _tokens[i] = run;

    /// <summary>
    /// Replaces every piece that has no tokens yet by the pieces <paramref name="split"/> makes of it (called with
    /// the piece's index among all pieces); empty pieces are dropped.
    /// </summary>
    public void Split(Func<int, NormalizedString, IEnumerable<NormalizedString>> split)
    {
        var next = new List<NormalizedString>(_pieces.Count);
        var nextTokens = new List<TokenRun?>(_pieces.Count);
        for (int i = 0; i < _pieces.Count; i++)
        {
            if (_tokens[i] is not null)
            {
                next.Add(_pieces[i]);
                nextTokens.Add(_tokens[i]);
                continue;
            }
            foreach (var p in split(i, _pieces[i]))
                if (!p.IsEmpty) { next.Add(p); nextTokens.Add(null); }
        }
        _pieces = next;
        _tokens = nextTokens;
    }

    /// <summary>Cuts every piece where <typeparamref name="TScanner"/> ends a piece (the scanner tiles each piece).</summary>
    public void Split<TScanner>() where TScanner : struct, IPieceScanner
        => Split((_, piece) =>
        {
            var parts = new List<NormalizedString>();
            var text = piece.NormalizedUtf8;
            for (int pos = 0; pos < text.Length;)
            {
                int end = TScanner.Next(text, pos);
                parts.Add(piece.Slice(OffsetReferential.Normalized, pos, end)!);
                pos = end;
            }
            return parts;
        });

    /// <summary>Keeps pieces [<paramref name="start"/>, <paramref name="end"/>) only.</summary>
    internal void Keep(int start, int end)
    {
        _pieces = _pieces.GetRange(start, end - start);
        _tokens = _tokens.GetRange(start, end - start);
    }

    /// <summary>The pieces as (normalized text, byte range in the original text).</summary>
    public List<(string Text, int Start, int End)> GetSplits()
    {
        var list = new List<(string, int, int)>(_pieces.Count);
        foreach (var p in _pieces)
        {
            var (s, e) = p.OffsetsOriginal;
            list.Add((p.ToString(), s, e));
        }
        return list;
    }
}
