using Aotml.Tokenization.PostProcessors;

namespace Aotml.Tokenization;

/// <summary>
/// One post-processed single-sequence encoding from the fast path, as columns in per-thread scratch that the
/// thread's next encode overwrites: the sequence's tokens, with the special tokens of <see cref="Template"/> before
/// and after them when <see cref="AddSpecialTokens"/> (see <see cref="Tokenizer.TryEncodeFast"/>).
/// </summary>
public readonly ref struct FastEncoding
{
    /// <summary>The sequence's token ids.</summary>
    public ReadOnlySpan<uint> Ids { get; init; }

    /// <summary>Offset starts (code points when the call asked for them, else bytes).</summary>
    public ReadOnlySpan<int> Starts { get; init; }

    /// <summary>Offset ends.</summary>
    public ReadOnlySpan<int> Ends { get; init; }

    /// <summary>Word ids.</summary>
    public ReadOnlySpan<int> Words { get; init; }

    /// <summary>
    /// The tokens (indices into the sequence, ascending) whose string may differ from the vocabulary entry of their
    /// id; every other token's string is that entry (<see cref="Tokenizer.VocabTokens"/>).
    /// </summary>
    public ReadOnlySpan<int> ExceptionAt { get; init; }

    /// <summary>The strings of the tokens of <see cref="ExceptionAt"/>.</summary>
    public ReadOnlySpan<string> ExceptionTokens { get; init; }

    /// <summary>What the post-processor adds.</summary>
    public SingleTemplate Template { get; init; }

    /// <summary>Whether the template's special tokens are part of the encoding.</summary>
    public bool AddSpecialTokens { get; init; }

    /// <summary>The special tokens before the sequence (none without <see cref="AddSpecialTokens"/>).</summary>
    public ReadOnlySpan<SingleTemplate.Special> Prefix => AddSpecialTokens ? Template.Prefix : default;

    /// <summary>The special tokens after the sequence.</summary>
    public ReadOnlySpan<SingleTemplate.Special> Suffix => AddSpecialTokens ? Template.Suffix : default;

    /// <summary>The number of tokens, special ones included.</summary>
    public int Length => Ids.Length + Prefix.Length + Suffix.Length;
}

/// <summary>
/// What a post-processor does to one sequence without overflow when it only adds special tokens around it (the
/// sequence's tokens take <see cref="TypeId"/>, sequence id 0; the special ones offsets (0, 0), no word, no sequence).
/// </summary>
public sealed class SingleTemplate
{
    /// <summary>One special token of the template.</summary>
    public readonly record struct Special(uint Id, string Token, uint TypeId);

    /// <summary>Nothing added, type id 0: no post-processor, or ByteLevel without offset trimming.</summary>
    public static readonly SingleTemplate Plain = new([], [], 0);

    private SingleTemplate(Special[] prefix, Special[] suffix, uint typeId) { Prefix = prefix; Suffix = suffix; TypeId = typeId; }

    /// <summary>Special tokens before the sequence.</summary>
    public Special[] Prefix { get; }

    /// <summary>Special tokens after the sequence.</summary>
    public Special[] Suffix { get; }

    /// <summary>The type id of the sequence's tokens.</summary>
    public uint TypeId { get; }

    /// <summary>
    /// The template of <paramref name="processor"/>, or null when it does more than add special tokens (the general
    /// path then runs it). Mirrors Tokenizer.ApplyTemplate and ByteLevelProcessing for exactly one "A" sequence.
    /// </summary>
    internal static SingleTemplate? Of(IPostProcessor? processor)
    {
        switch (processor)
        {
            case null:
            case ByteLevelProcessing { TrimOffsets: false }:
                return Plain;
            case TemplateProcessing tp:
                var prefix = new List<Special>();
                var suffix = new List<Special>();
                uint typeId = 0;
                int sequences = 0;
                foreach (var p in tp.Single)
                {
                    if (p.IsSequence)
                    {
                        if (p.Id != "A" || ++sequences > 1) return null;
                        typeId = p.TypeId;
                        continue;
                    }
                    if (!tp.SpecialTokens.TryGetValue(p.Id, out var st) || st.Ids.Count != st.Tokens.Count) return null;
                    for (int k = 0; k < st.Ids.Count; k++) (sequences == 0 ? prefix : suffix).Add(new Special(st.Ids[k], st.Tokens[k], p.TypeId));
                }
                return sequences == 1 ? new SingleTemplate([.. prefix], [.. suffix], typeId) : null;
            default:
                return null;
        }
    }
}
