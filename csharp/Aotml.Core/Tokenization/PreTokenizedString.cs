using Aotml.Text;

namespace Aotml.Tokenization;

/// <summary>
/// Normalized text cut into pieces by pre-tokenizers. Each piece is a <see cref="NormalizedString"/> of its own,
/// still aligned to the whole original text, so later pre-tokenizers may also transform a piece (ByteLevel does).
/// </summary>
public sealed partial class PreTokenizedString
{
    private List<NormalizedString> _pieces;

    /// <summary>One piece: the whole of <paramref name="text"/> (none if it is empty).</summary>
    public PreTokenizedString(NormalizedString text) => _pieces = text.IsEmpty ? [] : [text];

    /// <summary>The pieces, in text order.</summary>
    public IReadOnlyList<NormalizedString> Pieces => _pieces;

    /// <summary>
    /// Replaces every piece by the pieces <paramref name="split"/> makes of it (called with the piece's index);
    /// empty pieces are dropped.
    /// </summary>
    public void Split(Func<int, NormalizedString, IEnumerable<NormalizedString>> split)
    {
        var next = new List<NormalizedString>(_pieces.Count);
        for (int i = 0; i < _pieces.Count; i++)
            foreach (var p in split(i, _pieces[i]))
                if (!p.IsEmpty) next.Add(p);
        _pieces = next;
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
