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
        Span<byte> pair = stackalloc byte[2];
        for (int b = 0; b < 0x80; b++)
        {
            pair[0] = (byte)b;
            bool kept = b != ' ' && !(userDefined != null && userDefined.Child(0, (byte)b) >= 0)
                && (_trie == null || _trie.LongestPrefix(pair[..1], MaxTrieResults, out _) == 0);
            for (int c = 0; kept && _trie != null && c < 0x80; c++)
            {
                pair[1] = (byte)c;
                kept = !_trie.HasPrefix(pair);
            }
            _asciiKept[b] = kept;
        }
        _spaceKept = !(userDefined != null && userDefined.Child(0, (byte)' ') >= 0)
            && (_trie == null || _trie.LongestPrefix(" "u8, MaxTrieResults, out _) == 0);
        for (int c = 0; _spaceKept && _trie != null && c < 0x80; c++)
        {
            pair[0] = (byte)' ';
            pair[1] = (byte)c;
            _spaceKept = !_trie.HasPrefix(pair);
        }
    }

    // Whether a space followed by an ASCII byte (or the end) is a plain space to the rules, so the fast loop can
    // squeeze and escape it without a trie look-up.
    private readonly bool _spaceKept;

    // ASCII bytes (space aside) that stand for themselves when an ASCII byte or the end follows: no user-defined
    // symbol starts with them and no rule matches them alone or followed by ASCII (rules on letters continue
    // with combining marks). Runs of them are copied whole.
    private readonly bool[] _asciiKept = new bool[0x80];

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
        var kept = _asciiKept;
        bool spaceKept = _spaceKept, escape = _spec.EscapeWhitespaces;
        while (!input.IsEmpty)
        {
            // The fast loop: ASCII that stands for itself and plain spaces, straight into the output, up to 256
            // input bytes at a time (a space may become 3 bytes of U+2581). Performance notes: before spaces were
            // handled here, each one went through the user-defined trie and the charsmap (Prefix), about a tenth
            // of encoding English prose; bytes are written into one span per run, not one Write call each.
            int limit = Math.Min(input.Length, 256), i = 0, w = 0;
            var dst = output.GetSpan(limit * 3);
            for (; i < limit; i++)
            {
                byte c = input[i];
                if (c >= 0x80 || (i + 1 < input.Length && input[i + 1] >= 0x80)) break;
                if (kept[c])
                {
                    dst[w++] = c;
                    prevSpace = false;
                }
                else if (c == (byte)' ' && spaceKept)
                {
                    if (!(removeExtra && prevSpace))
                    {
                        if (escape)
                        {
                            dst[w] = 0xE2;
                            dst[w + 1] = 0x96;
                            dst[w + 2] = 0x81;
                            w += 3;
                        }
                        else dst[w++] = (byte)' ';
                    }
                    prevSpace = removeExtra;
                }
                else break;
            }
            output.Advance(w);
            if (i > 0)
            {
                input = input[i..];
                continue;
            }
            int plain = PlainChar(input);
            if (plain > 0)
            {
                output.Write(input[..plain]);
                input = input[plain..];
                prevSpace = false;
                continue;
            }
            var sp = Prefix(input, out int n);
            while (prevSpace && !sp.IsEmpty && sp[0] == (byte)' ') sp = sp[1..];
            if (!sp.IsEmpty)
            {
                if (sp.IndexOf((byte)' ') < 0) output.Write(sp);
                else
                {
                    foreach (byte b in sp)
                    {
                        if (b == (byte)' ') AddSpace(output);
                        else output.Write(new ReadOnlySpan<byte>(in b));
                    }
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
                var keep = output.WrittenSpan[..len].ToArray();
                output.ResetWrittenCount();
                output.Write(keep);
            }
        }
        if (_suffix && _spec.AddDummyPrefix) AddSpace(output);
    }

    // By code point below U+10000: 0 not yet known, 1 no rule or user-defined symbol starts with it (it stands for
    // itself), 2 it goes through the rules. Filled as characters are met (a race writes the same value), so
    // loading stays cheap and text in other scripts skips the charsmap walk after a character's first time.
    private readonly byte[] _bmpPlain = new byte[0x10000];

    // The length of the 2- or 3-byte character at the start of input when it stands for itself, else 0.
    private int PlainChar(ReadOnlySpan<byte> input)
    {
        byte lead = input[0];
        int len, cp;
        if (lead >= 0xC2 && lead < 0xE0 && input.Length >= 2 && (input[1] & 0xC0) == 0x80)
        {
            len = 2;
            cp = ((lead & 0x1F) << 6) | (input[1] & 0x3F);
        }
        else if (lead >= 0xE0 && lead < 0xF0 && input.Length >= 3 && (input[1] & 0xC0) == 0x80 && (input[2] & 0xC0) == 0x80)
        {
            len = 3;
            cp = ((lead & 0x0F) << 12) | ((input[1] & 0x3F) << 6) | (input[2] & 0x3F);
            if (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000)) return 0;  // overlong or a surrogate: invalid
        }
        else return 0;
        byte known = _bmpPlain[cp];
        if (known == 0)
        {
            var ch = input[..len];
            bool plain = (_userDefined == null || _userDefined.Child(0, lead) < 0)
                && (_trie == null || (!_trie.HasPrefix(ch) && _trie.LongestPrefix(ch, MaxTrieResults, out _) == 0));
            _bmpPlain[cp] = known = plain ? (byte)1 : (byte)2;
        }
        return known == 1 ? len : 0;
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
