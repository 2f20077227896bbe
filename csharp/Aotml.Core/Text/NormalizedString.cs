using System.Text;
using Aotml.Text.Normalization;

namespace Aotml.Text;

/// <summary>Which text a range indexes: the original or the normalized one.</summary>
public enum OffsetReferential
{
    /// <summary>Byte offsets in the original UTF-8 text.</summary>
    Original,
    /// <summary>Byte offsets in the normalized UTF-8 text.</summary>
    Normalized,
}

/// <summary>
/// Hugging Face's NormalizedString: an original text, its normalized form, and for every byte of the normalized form
/// the byte range of the original it comes from, so offsets found in the normalized text map back to the original.
/// </summary>
/// <remarks>Both texts are UTF-8 and offsets are bytes, as in the Rust crate; each edit goes through
/// <see cref="TransformRange"/>, whose rules (and quirks) are the crate's, so offsets agree byte for byte.</remarks>
public sealed class NormalizedString
{
    private readonly byte[] _original;
    private byte[] _normalized;
    private (int Start, int End)[] _alignments;  // one per normalized byte, original byte offsets
    private int _length;

    /// <summary>Starts with the normalized text equal to <paramref name="text"/>.</summary>
    public NormalizedString(string text) : this(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))), 0)
    {
    }

    /// <summary>Starts from UTF-8 (ill-formed sequences are replaced by U+FFFD first, as Rust's lossy decoding does).</summary>
    public NormalizedString(ReadOnlySpan<byte> utf8)
        : this(System.Text.Unicode.Utf8.IsValid(utf8) ? utf8.ToArray() : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8)), 0)
    {
    }

    private NormalizedString(byte[] utf8, int originalShift)
    {
        _original = utf8;
        _normalized = (byte[])utf8.Clone();
        _length = utf8.Length;
        _alignments = new (int, int)[utf8.Length];
        for (int b = 0; b < utf8.Length;)
        {
            int n = Utf8Length(utf8[b]);
            for (int i = 0; i < n; i++)
                _alignments[b + i] = (b, b + n);
            b += n;
        }
        OriginalShift = originalShift;
    }

    private NormalizedString(byte[] original, byte[] normalized, (int, int)[] alignments, int originalShift)
    {
        _original = original;
        _normalized = normalized;
        _alignments = alignments;
        _length = normalized.Length;
        OriginalShift = originalShift;
    }

    /// <summary>Where this string starts in the text it was sliced from (0 unless it is a slice).</summary>
    public int OriginalShift { get; }

    /// <summary>The original text.</summary>
    public string Original => Encoding.UTF8.GetString(_original);

    /// <summary>The normalized text.</summary>
    public string Normalized => Encoding.UTF8.GetString(NormalizedUtf8);

    /// <summary>The original text as UTF-8.</summary>
    public ReadOnlySpan<byte> OriginalUtf8 => _original;

    /// <summary>The normalized text as UTF-8.</summary>
    public ReadOnlySpan<byte> NormalizedUtf8 => _normalized.AsSpan(0, _length);

    /// <summary>For each byte of the normalized text, the original byte range it is aligned with.</summary>
    public ReadOnlySpan<(int Start, int End)> Alignments => _alignments.AsSpan(0, _length);

    /// <summary>Length of the normalized text in bytes.</summary>
    public int Length => _length;

    /// <summary>Length of the original text in bytes.</summary>
    public int OriginalLength => _original.Length;

    /// <summary>Whether the normalized text is empty.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>The original byte range of this string in the text it was sliced from.</summary>
    public (int Start, int End) OffsetsOriginal => (OriginalShift, OriginalShift + _original.Length);

    /// <summary>
    /// Converts a byte range from one referential to the other (HF <c>convert_offsets</c>): null when it cannot be
    /// mapped. An empty range maps to itself; 0..0 on an empty text maps to the whole other text.
    /// </summary>
    public (int Start, int End)? ConvertOffsets(OffsetReferential from, int start, int end)
    {
        bool original = from == OffsetReferential.Original;
        if (start == end)
            return (start, end);
        if (start > end)
            return null;
        if (original && _original.Length == 0 && start == 0 && end == 0)
            return (0, _length);
        if (!original && _length == 0 && start == 0 && end == 0)
            return (0, _original.Length);
        if (original)
        {
            int s = -1, e = -1;
            for (int i = 0; i < _length; i++)
            {
                var a = _alignments[i];
                if (end < a.End)
                    break;
                // Zero-width alignments (text inserted at the very start) never start a range.
                if (s < 0 && start <= a.Start && a.Start != a.End)
                    s = i;
                e = i + 1;
            }
            return (s, e) switch
            {
                (>= 0, < 0) => (s, s),
                (< 0, >= 0) => (e, e),
                (>= 0, >= 0) => (s, e),
                _ => null,
            };
        }
        if (end > _length || start < 0)
            return null;
        return (_alignments[start].Start, _alignments[end - 1].End);
    }

    /// <summary>A slice (HF <c>slice</c>): null when the range is out of bounds or not on character boundaries.</summary>
    public NormalizedString? Slice(OffsetReferential referential, int start, int end)
    {
        bool original = referential == OffsetReferential.Original;
        ReadOnlySpan<byte> text = original ? _original : NormalizedUtf8;
        if (start < 0 || end > text.Length || start > end || !IsBoundary(text, start) || !IsBoundary(text, end))
            return null;
        (int, int)? n, o;
        if (original)
        {
            (n, o) = (ConvertOffsets(OffsetReferential.Original, start, end), (start, end));
        }
        else
        {
            (n, o) = ((start, end), ConvertOffsets(OffsetReferential.Normalized, start, end));
        }
        if (n is not (int ns, int ne) || o is not (int os, int oe))
            return null;
        if (ns < 0 || ne > _length || ns > ne || os < 0 || oe > _original.Length || os > oe)
            return null;
        // The texts of the slice are taken with the ranges HF takes them with; a range that falls inside a
        // character gives an empty text there, as Rust's str::get does.
        byte[] origText = original ? _original[start..end] : SliceOrEmpty(_original, os, oe);
        byte[] normText = original ? SliceOrEmpty(NormalizedUtf8, ns, ne) : NormalizedUtf8[start..end].ToArray();
        var align = new (int, int)[ne - ns];
        for (int i = 0; i < align.Length; i++)
        {
            var a = _alignments[ns + i];
            align[i] = (a.Start - os, a.End - os);
        }
        return new NormalizedString(origText, normText, align, OriginalShift + os);
    }

    private static byte[] SliceOrEmpty(ReadOnlySpan<byte> s, int start, int end) =>
        IsBoundary(s, start) && IsBoundary(s, end) ? s[start..end].ToArray() : Array.Empty<byte>();

    private static bool IsBoundary(ReadOnlySpan<byte> s, int i) => i == 0 || i == s.Length || (i < s.Length && (s[i] & 0xC0) != 0x80);

    /// <summary>
    /// The primitive every edit uses (HF <c>transform_range</c>): replaces the normalized bytes
    /// [<paramref name="start"/>, <paramref name="end"/>) with the given characters. Each carries a change: 1 for
    /// a character inserted after the previous one (it takes that one's alignment), 0 for one that replaces the next
    /// character of the range, -n for one that replaces the next character and removes n more.
    /// <paramref name="initialOffset"/> characters at the start of the range are removed first.
    /// </summary>
    public void TransformRange(int start, int end, ReadOnlySpan<(int Char, int Change)> dest, int initialOffset)
    {
        if (start < 0 || end > _length || start > end || !IsBoundary(NormalizedUtf8, start) || !IsBoundary(NormalizedUtf8, end))
            throw new ArgumentOutOfRangeException(nameof(start), $"{start}..{end} is not a character range of the {_length}-byte normalized text");
        int newBytes = 0;
        foreach (var (c, _) in dest)
        {
            if (!Rune.IsValid(c))
                throw new ArgumentException($"{c} is not a Unicode scalar value", nameof(dest));
            newBytes += new Rune(c).Utf8SequenceLength;
        }
        int cursor = start;  // next replaced character in the old normalized text
        for (int i = 0; i < initialOffset && cursor < end; i++)
            cursor += Utf8Length(_normalized[cursor]);
        int offset = cursor;

        var newText = new byte[_length - (end - start) + newBytes];
        var newAlign = new (int, int)[newText.Length];
        _normalized.AsSpan(0, start).CopyTo(newText);
        _alignments.AsSpan(0, start).CopyTo(newAlign);
        int at = start;
        foreach (var (c, change) in dest)
        {
            (int, int) align;
            if (change > 0)
                align = offset < 1 ? (0, 0) : _alignments[offset - 1];
            else if (offset < _length)
                align = _alignments[offset];
            else
                throw new ArgumentException("a replacing character has no character left to replace", nameof(dest));
            if (change <= 0 && cursor < end)
            {
                int size = Utf8Length(_normalized[cursor]);
                cursor += size;
                offset += size;
            }
            for (int r = 0; r < -change && cursor < end; r++)
            {
                int size = Utf8Length(_normalized[cursor]);
                cursor += size;
                offset += size;
            }
            int n = new Rune(c).EncodeToUtf8(newText.AsSpan(at));
            newAlign.AsSpan(at, n).Fill(align);
            at += n;
        }
        _normalized.AsSpan(end, _length - end).CopyTo(newText.AsSpan(at));
        _alignments.AsSpan(end, _length - end).CopyTo(newAlign.AsSpan(at));
        _normalized = newText;
        _alignments = newAlign;
        _length = newText.Length;
    }

    /// <summary>HF <c>transform</c>: <see cref="TransformRange"/> over the whole normalized text.</summary>
    public void Transform(ReadOnlySpan<(int Char, int Change)> dest, int initialOffset) =>
        TransformRange(0, _length, dest, initialOffset);

    /// <summary>As <see cref="Transform(ReadOnlySpan{ValueTuple{int, int}}, int)"/>, from a sequence.</summary>
    public void Transform(IEnumerable<(int Char, int Change)> dest, int initialOffset) =>
        Transform(dest.ToArray(), initialOffset);

    /// <summary>NFD (HF normalizes with Unicode 9.0 tables: <see cref="Ucd.Unicode9"/>).</summary>
    public NormalizedString Nfd(byte version = Ucd.Unicode9) => Normalize(NormalizationForm.FormD, version);

    /// <summary>NFKD.</summary>
    public NormalizedString Nfkd(byte version = Ucd.Unicode9) => Normalize(NormalizationForm.FormKD, version);

    /// <summary>NFC.</summary>
    public NormalizedString Nfc(byte version = Ucd.Unicode9) => Normalize(NormalizationForm.FormC, version);

    /// <summary>NFKC.</summary>
    public NormalizedString Nfkc(byte version = Ucd.Unicode9) => Normalize(NormalizationForm.FormKC, version);

    private NormalizedString Normalize(NormalizationForm form, byte version)
    {
        // Already normalized: the transform would leave text and alignments as they are.
        if (Normalizer.SafePrefixUtf8(NormalizedUtf8, form, version) == _length)
            return this;
        var scalars = Scalars();
        var output = new List<int>(scalars.Length + 8);
        var changes = new List<int>(scalars.Length + 8);
        Normalizer.Normalize(scalars, form, output, changes, version);
        var dest = new (int, int)[output.Count];
        for (int i = 0; i < dest.Length; i++)
            dest[i] = (output[i], changes[i]);
        Transform(dest, 0);
        return this;
    }

    /// <summary>Lowercases as Rust's <c>char::to_lowercase</c> (extra characters of a mapping are inserted).</summary>
    public NormalizedString Lowercase() => ChangeCase(upper: false);

    /// <summary>Uppercases as Rust's <c>char::to_uppercase</c>.</summary>
    public NormalizedString Uppercase() => ChangeCase(upper: true);

    private NormalizedString ChangeCase(bool upper)
    {
        var scalars = Scalars();
        var dest = new List<(int, int)>(scalars.Length + 4);
        Span<int> m = stackalloc int[3];
        foreach (int c in scalars)
        {
            int n = upper ? Ucd.ToUpper(c, m) : Ucd.ToLower(c, m);
            for (int i = 0; i < n; i++)
                dest.Add((m[i], i > 0 ? 1 : 0));
        }
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(dest), 0);
        return this;
    }

    /// <summary>Keeps the characters for which <paramref name="keep"/> is true (HF <c>filter</c>).</summary>
    public NormalizedString Filter(Func<int, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var dest = new List<(int, int)>(_length);
        int removed = 0, removedStart = 0, last = -1;
        foreach (int c in Scalars())
        {
            if (keep(c))
            {
                if (last >= 0)
                    dest.Add((last, -removed));
                else
                    removedStart = removed;
                last = c;
                removed = 0;
            }
            else
            {
                removed++;
            }
        }
        if (last >= 0)
            dest.Add((last, -removed));
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(dest), removedStart);
        return this;
    }

    /// <summary>Replaces each character by <paramref name="map"/>'s result (HF <c>map</c>).</summary>
    public NormalizedString Map(Func<int, int> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var scalars = Scalars();
        var dest = new (int, int)[scalars.Length];
        for (int i = 0; i < dest.Length; i++)
            dest[i] = (map(scalars[i]), 0);
        Transform(dest, 0);
        return this;
    }

    /// <summary>Prepends text, aligned with the first character (nothing happens to an empty string, as in HF).</summary>
    public NormalizedString Prepend(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (_length == 0)
            return this;
        Rune.DecodeFromUtf8(NormalizedUtf8, out var next, out int nextLen);
        var dest = new List<(int, int)>();
        int i = 0;
        foreach (var r in s.EnumerateRunes())
            dest.Add((r.Value, i++ != 0 ? 1 : 0));
        dest.Add((next.Value, 1));
        TransformRange(0, nextLen, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(dest), 0);
        return this;
    }

    /// <summary>Appends text, aligned with the last character.</summary>
    public NormalizedString Append(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var dest = new List<(int, int)>();
        int from = 0;
        if (_length > 0)
        {
            from = _length - 1;
            while ((_normalized[from] & 0xC0) == 0x80)
                from--;
            Rune.DecodeFromUtf8(_normalized.AsSpan(from, _length - from), out var prev, out _);
            dest.Add((prev.Value, 0));
        }
        foreach (var r in s.EnumerateRunes())
            dest.Add((r.Value, 1));
        TransformRange(from, _length, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(dest), 0);
        return this;
    }

    /// <summary>Removes leading and trailing White_Space characters.</summary>
    public NormalizedString Strip() => LRStrip(true, true);

    /// <summary>Removes leading White_Space characters.</summary>
    public NormalizedString LStrip() => LRStrip(true, false);

    /// <summary>Removes trailing White_Space characters.</summary>
    public NormalizedString RStrip() => LRStrip(false, true);

    private NormalizedString LRStrip(bool left, bool right)
    {
        var scalars = Scalars();
        int count = scalars.Length, leading = 0, trailing = 0;
        if (left)
            while (leading < count && Ucd.IsWhiteSpace(scalars[leading]))
                leading++;
        if (right)
            while (trailing < count && Ucd.IsWhiteSpace(scalars[count - 1 - trailing]))
                trailing++;
        if (leading == 0 && trailing == 0)
            return this;
        var dest = new List<(int, int)>(count);
        for (int i = leading; i < count - trailing; i++)
            dest.Add((scalars[i], i == count - trailing - 1 ? -trailing : 0));
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(dest), leading);
        return this;
    }

    /// <summary>Replaces every occurrence of <paramref name="pattern"/> (leftmost first, not overlapping) by
    /// <paramref name="content"/>, whose characters all take the alignment of the last byte of the match.</summary>
    public NormalizedString Replace(string pattern, string content)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(content);
        if (pattern.Length == 0 || _length == 0)
            return this;
        byte[] p = Encoding.UTF8.GetBytes(pattern), c = Encoding.UTF8.GetBytes(content);
        var text = NormalizedUtf8;
        var newText = new List<byte>(_length);
        var newAlign = new List<(int, int)>(_length);
        int last = 0;
        while (true)
        {
            int found = text[last..].IndexOf(p);
            if (found < 0)
                break;
            int start = last + found, end = start + p.Length;
            for (int i = last; i < start; i++)
            {
                newText.Add(text[i]);
                newAlign.Add(_alignments[i]);
            }
            var align = _alignments[end - 1];
            foreach (byte b in c)
            {
                newText.Add(b);
                newAlign.Add(align);
            }
            last = end;
        }
        for (int i = last; i < _length; i++)
        {
            newText.Add(text[i]);
            newAlign.Add(_alignments[i]);
        }
        _normalized = newText.ToArray();
        _alignments = newAlign.ToArray();
        _length = _normalized.Length;
        return this;
    }

    /// <summary>Empties the normalized text and returns how many bytes it had.</summary>
    public int Clear()
    {
        int len = _length;
        Transform(ReadOnlySpan<(int, int)>.Empty, len);
        return len;
    }

    private int[] Scalars()
    {
        var buf = new int[_length];
        return buf[..Normalizer.Decode(NormalizedUtf8, buf)];
    }

    private static int Utf8Length(byte lead) => lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;

    /// <inheritdoc/>
    public override string ToString() => Normalized;
}
