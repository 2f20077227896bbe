using System.Buffers;
using System.Text;

namespace Aotml.SentencePiece;

/// <summary>
/// sentencepiece's normalizer: the longest precompiled rule (or user-defined symbol, left untouched) at each
/// position, whitespace squeezing and trimming, the dummy prefix (or suffix) and U+2581 for spaces; all on UTF-8.
/// </summary>
public sealed class SpNormalizer
{
    // sentencepiece's normalizer stores at most this many prefix matches before choosing the longest.
    private const int MaxTrieResults = 32;
    private static readonly byte[] s_space = "\u2581"u8.ToArray();
    private static readonly byte[] s_replacement = "\uFFFD"u8.ToArray();

    private readonly NormalizerSpec _spec;
    private readonly bool _suffix;
    private readonly DoubleArray? _trie;
    private readonly byte[] _replacements = [];
    private readonly PieceTrie? _userDefined;

    /// <summary>A normalizer for <paramref name="spec"/>; ConfigurationException for a malformed charsmap.</summary>
    public SpNormalizer(NormalizerSpec spec, bool treatWhitespaceAsSuffix, PieceTrie? userDefined)
    {
        _spec = spec;
        _suffix = treatWhitespaceAsSuffix;
        _userDefined = userDefined;
        var map = spec.PrecompiledCharsmap;
        if (map.Length > 0)
        {
            if (map.Length <= 4) throw new ConfigurationException("sentencepiece model: precompiled_charsmap is broken (too short)");
            uint trieSize = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(map);
            if (trieSize >= (uint)map.Length || trieSize % 4 != 0 || trieSize > map.Length - 4)
                throw new ConfigurationException($"sentencepiece model: precompiled_charsmap declares a {trieSize}-byte trie in {map.Length} bytes");
            _trie = new DoubleArray(map.AsSpan(4, (int)trieSize));
            _replacements = map[(4 + (int)trieSize)..];
            if (!System.Text.Unicode.Utf8.IsValid(_replacements))
                throw new ConfigurationException("sentencepiece model: the replacement strings of precompiled_charsmap are not valid UTF-8");
        }
    }

    /// <summary>Normalizes <paramref name="input"/> (UTF-8) into <paramref name="output"/>.</summary>
    public void Normalize(ReadOnlySpan<byte> input, ArrayBufferWriter<byte> output)
    {
        bool removeExtra = _spec.RemoveExtraWhitespaces;
        if (removeExtra)
        {
            while (!input.IsEmpty)
            {
                var p = Prefix(input, out int n);
                if (!(p.Length == 1 && p[0] == (byte)' ')) break;
                input = input[n..];
            }
        }
        if (input.IsEmpty) return;
        int start = output.WrittenCount;
        if (!_suffix && _spec.AddDummyPrefix) AddSpace(output);
        bool prevSpace = removeExtra;
        while (!input.IsEmpty)
        {
            var sp = Prefix(input, out int n);
            while (prevSpace && !sp.IsEmpty && sp[0] == (byte)' ') sp = sp[1..];
            if (!sp.IsEmpty)
            {
                foreach (byte b in sp)
                {
                    if (b == (byte)' ') AddSpace(output);
                    else output.GetSpan(1)[0] = b;
                    if (b != (byte)' ') output.Advance(1);
                }
                prevSpace = sp[^1] == (byte)' ';
            }
            input = input[n..];
            if (!removeExtra) prevSpace = false;
        }
        if (removeExtra)
        {
            ReadOnlySpan<byte> space = _spec.EscapeWhitespaces ? s_space : " "u8;
            int len = output.WrittenCount;
            while (len - start >= space.Length && output.WrittenSpan[start..len].EndsWith(space)) len -= space.Length;
            if (len != output.WrittenCount)
            {
                // ArrayBufferWriter cannot shrink; copy what stays, reset, write back.
                var kept = output.WrittenSpan[..len].ToArray();
                output.ResetWrittenCount();
                output.Write(kept);
            }
        }
        if (_suffix && _spec.AddDummyPrefix) AddSpace(output);
    }

    /// <summary>The normalized form of <paramref name="input"/>.</summary>
    public byte[] Normalize(ReadOnlySpan<byte> input)
    {
        var w = new ArrayBufferWriter<byte>(Math.Max(16, input.Length * 3 / 2));
        Normalize(input, w);
        return w.WrittenSpan.ToArray();
    }

    private void AddSpace(ArrayBufferWriter<byte> output)
    {
        if (_spec.EscapeWhitespaces) output.Write(s_space);
        else output.Write(" "u8);
    }

    // The replacement for the start of input and how many bytes it consumes.
    private ReadOnlySpan<byte> Prefix(ReadOnlySpan<byte> input, out int consumed)
    {
        if (_userDefined != null)
        {
            int m = _userDefined.LongestPrefix(input);
            if (m > 0) { consumed = m; return input[..m]; }
        }
        if (_trie != null)
        {
            int len = _trie.LongestPrefix(input, MaxTrieResults, out int value);
            if (len > 0)
            {
                if ((uint)value > (uint)_replacements.Length)
                    throw new ConfigurationException("sentencepiece model: precompiled_charsmap points past its replacement strings");
                consumed = len;
                var rest = _replacements.AsSpan(value);
                int end = rest.IndexOf((byte)0);
                return end < 0 ? rest : rest[..end];
            }
        }
        if (Rune.DecodeFromUtf8(input, out _, out int n) != OperationStatus.Done)
        {
            consumed = 1;
            return s_replacement;
        }
        consumed = n;
        return input[..n];
    }
}
