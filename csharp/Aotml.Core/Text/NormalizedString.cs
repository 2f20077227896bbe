namespace Aotml.Text;

/// <summary>
/// A piece of text being normalized, as UTF-8, in which every normalized byte keeps the byte range of the original
/// text it came from: however characters are replaced, inserted or removed (NFKC, lowercasing, stripping accents),
/// a range of the normalized text maps back to a range of the original, which is how token offsets survive.
/// </summary>
/// <remarks>
/// Alignments are absolute byte offsets in the whole original text, so a slice (a pre-tokenizer's piece) maps
/// straight back to the input without shifts. All bytes of one normalized character share its alignment. Every
/// edit is expressed through <see cref="Transform"/>: the new characters in order, each saying whether it was
/// inserted, replaces one old character, or replaces one and removes some after it.
/// </remarks>
public sealed class NormalizedString
{
    private readonly byte[] _original;   // the whole original text, shared with slices
    private readonly int _originalStart, _originalEnd;
    private byte[] _normalized;
    private (int Start, int End)[] _alignments;
    private int _length;

    /// <summary>A normalized string equal to <paramref name="utf8"/>; ArgumentException if it is not valid UTF-8.</summary>
    public NormalizedString(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8)) throw new ArgumentException("text is not valid UTF-8", nameof(utf8));
        _original = utf8.ToArray();
        _originalEnd = _original.Length;
        _normalized = utf8.ToArray();
        _length = _normalized.Length;
        _alignments = new (int, int)[_length];
        for (int i = 0; i < _length;)
        {
            Utf8.Decode(utf8, i, out int len);
            for (int k = 0; k < len; k++) _alignments[i + k] = (i, i + len);
            i += len;
        }
    }

    /// <summary>A normalized string equal to <paramref name="text"/>.</summary>
    public NormalizedString(string text) : this(System.Text.Encoding.UTF8.GetBytes(text)) { }

    private NormalizedString(byte[] original, int originalStart, int originalEnd, byte[] normalized, (int, int)[] alignments)
    {
        _original = original;
        _originalStart = originalStart; _originalEnd = originalEnd;
        _normalized = normalized;
        _alignments = alignments;
        _length = normalized.Length;
    }

    /// <summary>The original bytes this string covers (a slice covers part of the original text).</summary>
    public ReadOnlySpan<byte> Original => _original.AsSpan(_originalStart, _originalEnd - _originalStart);

    /// <summary>Where <see cref="Original"/> starts in the whole original text.</summary>
    public int OriginalStart => _originalStart;

    /// <summary>The normalized bytes (valid UTF-8).</summary>
    public ReadOnlySpan<byte> Normalized => _normalized.AsSpan(0, _length);

    /// <summary>The normalized text as a string.</summary>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(Normalized);

    /// <summary>The number of normalized bytes.</summary>
    public int Length => _length;

    /// <summary>Whether the normalized text is empty.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>The alignment of each normalized byte: its character's byte range in the whole original text.</summary>
    public ReadOnlySpan<(int Start, int End)> Alignments => _alignments.AsSpan(0, _length);

    /// <summary>
    /// The byte range of the whole original text that normalized bytes [<paramref name="start"/>,
    /// <paramref name="end"/>) came from. An empty range maps to the empty range at the matching original position.
    /// </summary>
    public (int Start, int End) OriginalRange(int start, int end)
    {
        if ((uint)start > (uint)_length || end < start || end > _length)
            throw new ArgumentOutOfRangeException(nameof(start), $"[{start}, {end}) is not a range of a {_length}-byte string");
        if (start < end) return (_alignments[start].Start, _alignments[end - 1].End);
        int at = start < _length ? _alignments[start].Start : _length > 0 ? _alignments[_length - 1].End : _originalEnd;
        return (at, at);
    }

    /// <summary>
    /// Replaces the normalized text by <paramref name="chars"/>: each code point with its change, 1 when it is
    /// inserted, 0 when it replaces the next old character, -n when it replaces the next old character and removes
    /// the n after that. An inserted character is aligned like the last old byte consumed before it (removed ones
    /// included), the convention of Hugging Face tokenizers, so offsets agree with theirs. <paramref name="removedFirst"/> old characters are removed before the first one; old characters left over
    /// at the end are removed.
    /// </summary>
    public void Transform(ReadOnlySpan<(int CodePoint, int Change)> chars, int removedFirst = 0)
    {
        var old = Normalized;
        int pos = Skip(old, 0, removedFirst);
        int bytes = 0;
        foreach (var (cp, _) in chars) bytes += Utf8.EncodedLength(cp);
        var text = new byte[bytes];
        var align = new (int, int)[bytes];
        int w = 0;
        foreach (var (cp, change) in chars)
        {
            (int, int) a;
            if (change > 0)
            {
                a = pos > 0 ? _alignments[pos - 1] : (_originalStart, _originalStart);
            }
            else
            {
                if (pos >= old.Length) throw new ArgumentException("the transformation replaces more characters than the string has");
                Utf8.Decode(old, pos, out int len);
                a = (_alignments[pos].Start, _alignments[pos + len - 1].End);
                pos = Skip(old, pos + len, -change);
            }
            int n = Utf8.Encode(cp, text.AsSpan(w));
            for (int k = 0; k < n; k++) align[w + k] = a;
            w += n;
        }
        _normalized = text;
        _alignments = align;
        _length = bytes;
    }

    // Past `count` characters from `pos`; throws if there are fewer.
    private static int Skip(ReadOnlySpan<byte> s, int pos, int count)
    {
        for (int k = 0; k < count; k++)
        {
            if (pos >= s.Length) throw new ArgumentException("the transformation removes more characters than the string has");
            Utf8.Decode(s, pos, out int len);
            pos += len;
        }
        return pos;
    }

    /// <summary>Replaces every character by <paramref name="map"/> of it (alignments unchanged).</summary>
    public void Map(Func<int, int> map)
    {
        var chars = new List<(int, int)>(_length);
        for (int i = 0; i < _length;)
        {
            chars.Add((map(Utf8.Decode(Normalized, i, out int len)), 0));
            i += len;
        }
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chars));
    }

    /// <summary>Keeps the characters for which <paramref name="keep"/> is true.</summary>
    public void Filter(Func<int, bool> keep)
    {
        var chars = new List<(int CodePoint, int Change)>(_length);
        int removedFirst = 0;
        for (int i = 0; i < _length;)
        {
            int cp = Utf8.Decode(Normalized, i, out int len);
            i += len;
            if (keep(cp)) chars.Add((cp, 0));
            else if (chars.Count == 0) removedFirst++;
            else chars[^1] = (chars[^1].CodePoint, chars[^1].Change - 1);   // the kept character before absorbs it
        }
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chars), removedFirst);
    }

    /// <summary>Inserts <paramref name="text"/> at the start, aligned with the original's first character.</summary>
    public void Prepend(string text)
    {
        if (text.Length == 0) return;
        if (_length == 0) { AppendInserted(text); return; }
        var chars = new List<(int, int)>();
        int first = Utf8.Decode(Normalized, 0, out _);
        // The first old character is re-emitted as a replacement so that the prefix takes its alignment.
        foreach (var r in text.EnumerateRunes()) chars.Add((r.Value, chars.Count == 0 ? 0 : 1));
        chars.Add((first, 1));
        for (int i = Utf8.EncodedLength(first); i < _length;)
        {
            chars.Add((Utf8.Decode(Normalized, i, out int len), 0));
            i += len;
        }
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chars));
    }

    /// <summary>Appends <paramref name="text"/>, aligned with the original's last character.</summary>
    public void Append(string text) => AppendInserted(text);

    private void AppendInserted(string text)
    {
        var chars = new List<(int, int)>();
        for (int i = 0; i < _length;)
        {
            chars.Add((Utf8.Decode(Normalized, i, out int len), 0));
            i += len;
        }
        foreach (var r in text.EnumerateRunes()) chars.Add((r.Value, 1));
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chars));
    }

    /// <summary>
    /// The normalized bytes [<paramref name="start"/>, <paramref name="end"/>) (on character boundaries) as a
    /// string of their own, still aligned to the whole original text.
    /// </summary>
    public NormalizedString Slice(int start, int end)
    {
        var (os, oe) = OriginalRange(start, end);
        if ((start < _length && Utf8.IsContinuation(_normalized[start])) || (end < _length && Utf8.IsContinuation(_normalized[end])))
            throw new ArgumentException($"[{start}, {end}) splits a character");
        return new NormalizedString(_original, os, oe, _normalized.AsSpan(start, end - start).ToArray(), _alignments.AsSpan(start, end - start).ToArray());
    }
}
