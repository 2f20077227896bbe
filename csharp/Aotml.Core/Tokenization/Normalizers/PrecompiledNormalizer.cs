using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>
/// SentencePiece's compiled normalization rules (<c>precompiled_charsmap</c>): a little-endian u32 trie size, that
/// many bytes of a Darts double-array trie over UTF-8 keys, then the replacement strings, each ended by a NUL.
/// </summary>
/// <remarks>
/// HF applies it grapheme by grapheme: a grapheme shorter than 6 UTF-8 bytes is looked up whole, otherwise (or when
/// that finds nothing) each of its characters is. A lookup takes the FIRST (shortest) rule that is a prefix of the
/// chunk and replaces the whole chunk, as the spm_precompiled crate does.
/// </remarks>
public sealed class PrecompiledNormalizer : INormalizer
{
    private readonly byte[] _charsmap;
    private readonly uint[] _trie;
    private readonly byte[] _normalized;

    /// <summary>Parses a charsmap; ConfigurationException (naming <paramref name="path"/>) if it is malformed.</summary>
    public PrecompiledNormalizer(byte[] charsmap, string path)
    {
        _charsmap = charsmap;
        if (charsmap.Length < 4)
            throw new ConfigurationException($"{path}: precompiled_charsmap is too short ({charsmap.Length} bytes)");
        uint trieSize = BinaryPrimitives.ReadUInt32LittleEndian(charsmap);
        if (trieSize > (uint)(charsmap.Length - 4))
            throw new ConfigurationException($"{path}: precompiled_charsmap declares a {trieSize}-byte trie in {charsmap.Length - 4} bytes");
        _trie = new uint[trieSize / 4];
        for (int i = 0; i < _trie.Length; i++)
            _trie[i] = BinaryPrimitives.ReadUInt32LittleEndian(charsmap.AsSpan(4 + 4 * i));
        _normalized = charsmap[(4 + _trie.Length * 4)..];
        if (!Utf8.IsValid(_normalized))
            throw new ConfigurationException($"{path}: the replacement strings of precompiled_charsmap are not valid UTF-8");
        if (_trie.Length == 0)
            throw new ConfigurationException($"{path}: precompiled_charsmap has an empty trie");
    }

    /// <summary>The charsmap as given.</summary>
    public ReadOnlySpan<byte> Charsmap => _charsmap;

    /// <summary>Reads {"type": "Precompiled", "precompiled_charsmap": base64}.</summary>
    public static PrecompiledNormalizer FromJson(JsonElement e, string path)
    {
        string b64 = JsonFields.String(e, "precompiled_charsmap", path);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(b64);
        }
        catch (FormatException ex)
        {
            throw new ConfigurationException($"{path}.precompiled_charsmap: not valid base64 ({ex.Message})", ex);
        }
        return new PrecompiledNormalizer(bytes, path + ".precompiled_charsmap");
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Precompiled");
        w.WriteString("precompiled_charsmap", Convert.ToBase64String(_charsmap));
        w.WriteEndObject();
    }

    /// <summary>The replacement of the first rule whose key is a prefix of <paramref name="chunk"/>, or null.</summary>
    public string? Transform(ReadOnlySpan<byte> chunk)
    {
        int value = FirstPrefixValue(chunk);
        if (value < 0 || value >= _normalized.Length) return value == _normalized.Length ? "" : null;
        int end = _normalized.AsSpan(value).IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(_normalized, value, end < 0 ? _normalized.Length - value : end);
    }

    // Darts-clone units: bit 8 = has a leaf, bits 0-7 (and 31) = label, offset = (unit >> 10) << ((unit & 512) >> 6).
    private int FirstPrefixValue(ReadOnlySpan<byte> key)
    {
        uint unit = _trie[0];
        long pos = Offset(unit);
        foreach (byte c in key)
        {
            if (c == 0) break;
            pos ^= c;
            if ((ulong)pos >= (ulong)_trie.Length) return -1;
            unit = _trie[pos];
            if ((unit & (0x80000000u | 0xFF)) != c) return -1;
            pos ^= Offset(unit);
            if (((unit >> 8) & 1) != 0)
            {
                if ((ulong)pos >= (ulong)_trie.Length) return -1;
                return (int)(_trie[pos] & 0x7FFFFFFF);
            }
        }
        return -1;
    }

    private static long Offset(uint unit) => (long)(unit >> 10) << (int)((unit & (1u << 9)) >> 6);

    /// <inheritdoc/>
    public void Normalize(NormalizedString text)
    {
        string s = text.Normalized;
        var transformations = new List<(int Char, int Change)>(s.Length);
        bool modified = false;
        Span<byte> buf = stackalloc byte[8];
        for (int i = 0; i < s.Length;)
        {
            int glen = StringInfo.GetNextTextElementLength(s.AsSpan(i));
            var grapheme = s.AsSpan(i, glen);
            int gbytes = System.Text.Encoding.UTF8.GetByteCount(grapheme);
            if (gbytes < 6)
            {
                int n = System.Text.Encoding.UTF8.GetBytes(grapheme, buf);
                if (Transform(buf[..n]) is string norm)
                {
                    modified = true;
                    Replace(transformations, grapheme.ToString(), norm);
                    i += glen;
                    continue;
                }
            }
            foreach (var r in grapheme.ToString().EnumerateRunes())
            {
                int n = r.EncodeToUtf8(buf);
                if (Transform(buf[..n]) is string norm)
                {
                    modified = true;
                    Replace(transformations, r.ToString(), norm);
                }
                else
                {
                    transformations.Add((r.Value, 0));
                }
            }
            i += glen;
        }
        if (modified)
            text.Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(transformations), 0);
    }

    // HF's replace(): new characters replace old ones one for one; extra new ones are insertions (change 1), and
    // missing ones are removals charged to the last character written (none when nothing was written yet).
    private static void Replace(List<(int Char, int Change)> t, string oldPart, string newPart)
    {
        int oldCount = 0, newCount = 0;
        foreach (var _ in oldPart.EnumerateRunes()) oldCount++;
        foreach (var r in newPart.EnumerateRunes())
        {
            t.Add((r.Value, 0));
            newCount++;
        }
        int diff = newCount - oldCount;
        if (diff > 0)
        {
            for (int k = 0; k < diff && k < t.Count; k++)
                t[t.Count - 1 - k] = (t[t.Count - 1 - k].Char, 1);
        }
        else if (diff < 0 && t.Count > 0)
        {
            t[^1] = (t[^1].Char, t[^1].Change + diff);
        }
    }
}
