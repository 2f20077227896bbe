namespace Aotml.Tokenization;

/// <summary>A token a model found: its id, its string in the vocabulary, and the byte range it covers.</summary>
public readonly record struct Token(uint Id, string Value, int Start, int End);
