namespace Aotml.Tokenization;

/// <summary>
/// A pre-tokenizer that tiles UTF-8 text with pieces by scanning forward (a hand-written equivalent of a split
/// regex that matches at every position). Implemented by structs with a static method, so a scanning loop generic
/// over the scanner is compiled once per scanner with the scan inlined.
/// </summary>
public interface IPieceScanner
{
    /// <summary>The end of the piece that starts at byte <paramref name="i"/> (&lt; length) of <paramref name="text"/>; always &gt; i.</summary>
    static abstract int Next(ReadOnlySpan<byte> text, int i);
}
