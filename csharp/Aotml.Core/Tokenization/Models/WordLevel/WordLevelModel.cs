using System.Text.Json;
using Aotml.Tokenization.Json;

namespace Aotml.Tokenization.Models.WordLevel;

/// <summary>Hugging Face's WordLevel: a piece is its vocabulary entry, else the unknown token. Immutable.</summary>
public sealed class WordLevelModel : IModel
{
    private readonly Vocab _vocab;

    /// <summary>The unknown token.</summary>
    public string UnkToken { get; }

    internal WordLevelModel(Vocab vocab, string unk) { _vocab = vocab; UnkToken = unk; }

    /// <summary>Reads an HF WordLevel model object.</summary>
    public static WordLevelModel FromJson(JsonElement e, string path)
    {
        JsonRead.RequireObject(e, path);
        return new WordLevelModel(Vocab.FromJsonObject(JsonRead.Required(e, "vocab", path), path + ".vocab"),
            JsonRead.OptString(e, "unk_token", path, "<unk>")!);
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "WordLevel");
        w.WritePropertyName("vocab");
        _vocab.WriteJsonObject(w);
        w.WriteString("unk_token", UnkToken);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public uint? TokenToId(string token) => _vocab.TokenToId(token);

    /// <inheritdoc/>
    public string? IdToToken(uint id) => _vocab.IdToToken(id);

    /// <inheritdoc/>
    public int VocabSize => _vocab.Count;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, uint> GetVocab() => _vocab.ByToken;

    /// <inheritdoc/>
    public void Tokenize<TSink>(ReadOnlySpan<byte> piece, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        if (piece.IsEmpty) return;
        if (!_vocab.ByBytes.TryGetValue(piece, out uint id))
            id = _vocab.TokenToId(UnkToken) ?? throw new EncodeException($"the unknown token {JsonRead.Quote(UnkToken)} is not in the vocabulary");
        sink.Add(id, offset, offset + piece.Length);
    }

}
