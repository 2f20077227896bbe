using Aotml.Text;

namespace Aotml.Tokenization;

// The operations pre-tokenizers need beyond cutting: transforming each piece in place (ByteLevel maps bytes to
// characters after splitting), and splitting a piece by matches under one of HF's delimiter behaviours.
public sealed partial class PreTokenizedString
{
    /// <summary>
    /// Transforms every piece in place (HF <c>PreTokenizedString::normalize</c>), except pieces that already hold
    /// their tokens: an added token such as <c>&lt;|begin_of_text|&gt;</c> must keep its text.
    /// </summary>
    public void Normalize(Action<NormalizedString> normalize)
    {
        for (int i = 0; i < _pieces.Count; i++)
            if (TokensOf(i) is null) normalize(_pieces[i]);
    }

    /// <summary>Splits every piece at the matches <paramref name="find"/> reports, under <paramref name="behavior"/>.</summary>
    public void Split(Func<NormalizedString, List<PreTokenizers.Match>> find, PreTokenizers.SplitBehavior behavior)
        => Split((_, piece) => PreTokenizers.Splitting.Split(piece, find(piece), behavior));
}
