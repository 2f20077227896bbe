using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization;

// The five stages of a tokenizer.json pipeline. Each component is immutable after construction, so one instance
// serves any number of threads; per-call state lives in the strings and encodings passed through.

/// <summary>Normalizes text in place (Unicode normalization, lowercasing, ...), keeping alignments to the original.</summary>
public interface INormalizer
{
    /// <summary>Writes the component as the tokenizer.json object HF serializes.</summary>
    void WriteJson(Utf8JsonWriter w) => throw new NotSupportedException($"{GetType().Name} cannot be written as tokenizer.json");

    /// <summary>Normalizes <paramref name="text"/>.</summary>
    void Normalize(NormalizedString text);
}

/// <summary>Splits normalized text into pieces (words, punctuation runs, ...) that the model tokenizes one by one.</summary>
public interface IPreTokenizer
{
    /// <summary>Writes the component as the tokenizer.json object HF serializes.</summary>
    void WriteJson(Utf8JsonWriter w) => throw new NotSupportedException($"{GetType().Name} cannot be written as tokenizer.json");

    /// <summary>Splits each piece of <paramref name="text"/> further.</summary>
    void PreTokenize(PreTokenizedString text);
}

/// <summary>Turns one piece into tokens: BPE, WordPiece, Unigram, WordLevel.</summary>
public interface IModel
{
    /// <summary>
    /// Adds the tokens of <paramref name="piece"/> to <paramref name="sink"/>, with byte ranges of the piece shifted
    /// by <paramref name="offset"/>. Generic over the sink so that ids-only callers pay nothing for offsets.
    /// </summary>
    void Tokenize<TSink>(ReadOnlySpan<byte> piece, int offset, ref TSink sink) where TSink : struct, ITokenSink;

    /// <summary>The id of <paramref name="token"/>, or null if it is not in the vocabulary.</summary>
    uint? TokenToId(string token);

    /// <summary>The token string of <paramref name="id"/>, or null if there is no such id.</summary>
    string? IdToToken(uint id);

    /// <summary>
    /// The string HF reports for token <paramref name="id"/> found at bytes [<paramref name="start"/>,
    /// <paramref name="end"/>) of <paramref name="piece"/>: its vocabulary entry, except where a model reports the
    /// text itself (Unigram's unknown pieces).
    /// </summary>
    string TokenValue(uint id, ReadOnlySpan<byte> piece, int start, int end) => IdToToken(id) ?? "";

    /// <summary>The vocabulary, token to id.</summary>
    IReadOnlyDictionary<string, uint> GetVocab();

    /// <summary>Writes the model as the tokenizer.json object HF serializes.</summary>
    void WriteJson(Utf8JsonWriter w);

    /// <summary>The number of tokens in the vocabulary.</summary>
    int VocabSize { get; }

    /// <summary>The tokens of <paramref name="piece"/> with their strings (a convenience; pipelines use the sink form).</summary>
    List<Token> Tokenize(ReadOnlySpan<byte> piece)
    {
        var sink = new OffsetSink(new List<uint>(), new List<(int, int)>());
        Tokenize(piece, 0, ref sink);
        var tokens = new List<Token>(sink.Ids.Count);
        for (int i = 0; i < sink.Ids.Count; i++)
            tokens.Add(new Token(sink.Ids[i], IdToToken(sink.Ids[i]) ?? "", sink.Offsets[i].Start, sink.Offsets[i].End));
        return tokens;
    }
}

/// <summary>Adds what a model input needs around the tokens: special tokens, type ids, sequence ranges.</summary>
public interface IPostProcessor
{
    /// <summary>Writes the component as the tokenizer.json object HF serializes.</summary>
    void WriteJson(Utf8JsonWriter w) => throw new NotSupportedException($"{GetType().Name} cannot be written as tokenizer.json");

    /// <summary>How many tokens <see cref="ProcessEncodings"/> adds to one sequence (or a pair) with special tokens on.</summary>
    int AddedTokens(bool isPair);

    /// <summary>Processes the encodings of the sequences of one input (one, or two for a pair).</summary>
    IReadOnlyList<Encoding> ProcessEncodings(IReadOnlyList<Encoding> encodings, bool addSpecialTokens);

    /// <summary>
    /// Processes a sequence and its optional pair into one encoding (HF's default <c>process</c>): each gets its
    /// sequence id (its overflowing parts too) and its index as type id, then they are processed and merged.
    /// </summary>
    Encoding Process(Encoding encoding, Encoding? pair, bool addSpecialTokens)
    {
        var list = pair is null ? new[] { encoding } : new[] { encoding, pair };
        for (int i = 0; i < list.Length; i++)
        {
            list[i].SetSequenceId(i);
            if (list[i].HasOverflowing) foreach (var o in list[i].Overflowing) o.SetSequenceId(i);
            list[i].SetTypeIds((uint)i);
        }
        return Encoding.Merge(ProcessEncodings(list, addSpecialTokens), growingOffsets: false);
    }
}

/// <summary>Turns token strings back into text (byte-level decoding, word-piece joining, ...).</summary>
public interface IDecoder
{
    /// <summary>Writes the component as the tokenizer.json object HF serializes.</summary>
    void WriteJson(Utf8JsonWriter w) => throw new NotSupportedException($"{GetType().Name} cannot be written as tokenizer.json");

    /// <summary>Transforms the token strings, one step of a chain of decoders.</summary>
    IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens);

    /// <summary>The text of the tokens: the chain's output, concatenated.</summary>
    string Decode(IReadOnlyList<string> tokens) => string.Concat(DecodeChain(tokens));
}
