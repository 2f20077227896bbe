using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Aotml.Text.Normalization;

/// <summary>NFC, NFD, NFKC and NFKD without ICU, from the pinned UCD, optionally emulating an older Unicode.</summary>
/// <remarks>
/// Text is UTF-8, as it arrives from Python and as Hugging Face's NormalizedString keeps it, so nothing is transcoded
/// twice; the work itself is on scalars. Text that passes the quick check is returned as is; otherwise only the part
/// after the last safe starter before the first failing character is renormalized.
/// The variant with changes follows <c>unicode-normalization-alignments</c> exactly: each output character carries
/// 0 (it replaces the next original character), 1 (it is inserted after the previous one) or -n (it replaces the next
/// one and n more are removed after it); decompositions give 0 then 1s, a composition of two gives the sum minus 1,
/// and reordering moves the values with their characters.
/// </remarks>
public static class Normalizer
{
    /// <summary>Whether the text is in the given form (the quick check, completed by normalizing when it says maybe).</summary>
    public static bool IsNormalized(ReadOnlySpan<byte> utf8, NormalizationForm form, byte version = Ucd.Latest)
    {
        if (SafePrefixUtf8(utf8, form, version) == utf8.Length)
            return true;
        int[] rented = ArrayPool<int>.Shared.Rent(Math.Max(utf8.Length, 1));
        try
        {
            int n = Decode(utf8, rented);
            var scalars = rented.AsSpan(0, n);
            if (SafePrefix(scalars, form, version) == n)
                return true;
            var output = new List<int>(n);
            Normalize(scalars, form, output, null, version);
            return CollectionsMarshal.AsSpan(output).SequenceEqual(scalars);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Normalizes UTF-8 text (ill-formed sequences read as U+FFFD) and returns UTF-8.</summary>
    public static byte[] Normalize(ReadOnlySpan<byte> utf8, NormalizationForm form, byte version = Ucd.Latest)
    {
        int safe = SafePrefixUtf8(utf8, form, version);
        if (safe == utf8.Length)
            return utf8.ToArray();
        if (safe < 0)
            safe = 0;
        // Only the part after the normalized prefix is decoded and renormalized.
        var tail = utf8[safe..];
        int[] rented = ArrayPool<int>.Shared.Rent(Math.Max(tail.Length, 1));
        try
        {
            int n = Decode(tail, rented);
            var output = new List<int>(n + n / 4);
            Normalize(rented.AsSpan(0, n), form, output, null, version);
            var normalized = CollectionsMarshal.AsSpan(output);
            int len = safe;
            foreach (int cp in normalized)
                len += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            var bytes = new byte[len];
            utf8[..safe].CopyTo(bytes);
            int at = safe;
            foreach (int cp in normalized)
                at += new Rune(cp).EncodeToUtf8(bytes.AsSpan(at));
            return bytes;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Normalizes a .NET string (lone surrogates read as U+FFFD).</summary>
    public static string Normalize(string text, NormalizationForm form, byte version = Ucd.Latest)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length);
        var scalars = new List<int>(text.Length);
        foreach (var r in text.EnumerateRunes())
            scalars.Add(r.Value);
        var input = CollectionsMarshal.AsSpan(scalars);
        if (SafePrefix(input, form, version) == input.Length)
            return HasLoneSurrogate(text) ? Encoding.UTF8.GetString(Encode(input)) : text;
        Normalize(input, form, output, null, version);
        var sb = new StringBuilder(output.Count);
        foreach (int cp in CollectionsMarshal.AsSpan(output))
            sb.Append(new Rune(cp).ToString());
        return sb.ToString();
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                i++;
            else if (char.IsSurrogate(s[i]))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Normalizes scalars, appending the result to <paramref name="output"/> and, when <paramref name="changes"/> is
    /// given, one change per output scalar with the meaning of Hugging Face's <c>transform</c> (see the remarks).
    /// </summary>
    public static void Normalize(ReadOnlySpan<int> scalars, NormalizationForm form, List<int> output, List<int>? changes,
        byte version = Ucd.Latest)
    {
        ArgumentNullException.ThrowIfNull(output);
        int safe = SafePrefix(scalars, form, version);
        // The already-normalized prefix maps one to one; the iterator of the Rust crate gives 0 for each of them.
        for (int i = 0; i < safe; i++)
        {
            output.Add(scalars[i]);
            changes?.Add(0);
        }
        if (safe < scalars.Length)
            Run(scalars[safe..], form, version, output, changes);
    }

    /// <summary>For each output scalar, the index of the input scalar it is aligned with, from the changes of
    /// <see cref="Normalize(ReadOnlySpan{int}, NormalizationForm, List{int}, List{int}?, byte)"/>: an inserted
    /// scalar shares the index of the one before it (-1 at the start), as Hugging Face aligns it.</summary>
    public static int[] SourceIndices(ReadOnlySpan<int> changes, int initialRemoved = 0)
    {
        var result = new int[changes.Length];
        int next = initialRemoved;  // the input scalar the next non-inserted output scalar replaces
        for (int i = 0; i < changes.Length; i++)
        {
            int c = changes[i];
            if (c > 0)
            {
                result[i] = next - 1;
            }
            else
            {
                result[i] = next;
                next += 1 - c;
            }
        }
        return result;
    }

    /// <summary>Length of the longest prefix known to be normalized and to end before a safe starter; the whole
    /// length when the quick check answers yes for the text.</summary>
    internal static int SafePrefix(ReadOnlySpan<int> s, NormalizationForm form, byte version)
    {
        int lastSafe = 0;
        byte lastCcc = 0;
        for (int i = 0; i < s.Length; i++)
        {
            int cp = s[i];
            if (cp < 0x300)  // nothing below U+0300 decomposes into or combines with anything before it
            {
                if (cp < 0xA0 || form is NormalizationForm.FormC or NormalizationForm.FormD && cp < 0xC0)
                {
                    lastSafe = i;
                    lastCcc = 0;
                    continue;
                }
            }
            byte ccc = NormalizationData.Ccc(cp, version);
            if (ccc != 0 && lastCcc > ccc)
                return lastSafe;
            if (NormalizationData.QuickCheck(cp, form, version) != 0)
                return lastSafe;
            if (ccc == 0)
                lastSafe = i;
            lastCcc = ccc;
        }
        return s.Length;
    }

    /// <summary>As <see cref="SafePrefix(ReadOnlySpan{int}, NormalizationForm, byte)"/> on UTF-8, in bytes, without
    /// decoding ASCII; -1 when the text is ill-formed.</summary>
    internal static int SafePrefixUtf8(ReadOnlySpan<byte> s, NormalizationForm form, byte version)
    {
        int lastSafe = 0;
        byte lastCcc = 0;
        int i = 0;
        while (i < s.Length)
        {
            if (s[i] < 0x80)
            {
                // ASCII: starters that pass every quick check; skip the run at once.
                int run = s[i..].IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
                i = run < 0 ? s.Length : i + run;
                lastSafe = i - 1;
                lastCcc = 0;
                continue;
            }
            if (Rune.DecodeFromUtf8(s[i..], out var r, out int used) != System.Buffers.OperationStatus.Done)
                return -1;
            int cp = r.Value;
            byte ccc = NormalizationData.Ccc(cp, version);
            if (ccc != 0 && lastCcc > ccc || NormalizationData.QuickCheck(cp, form, version) != 0)
                return lastSafe;
            if (ccc == 0)
                lastSafe = i;
            lastCcc = ccc;
            i += used;
        }
        return s.Length;
    }

    [ThreadStatic] private static Scratch? t_scratch;

    private sealed class Scratch
    {
        public int[] Cp = new int[64];
        public int[] Change = new int[64];
        public byte[] Ccc = new byte[64];
        public int Count;
        public readonly List<(int Cp, int Change)> Pending = new();

        public void Push(int cp, int change, byte ccc)
        {
            if (Count == Cp.Length)
            {
                Array.Resize(ref Cp, Count * 2);
                Array.Resize(ref Change, Count * 2);
                Array.Resize(ref Ccc, Count * 2);
            }
            Cp[Count] = cp;
            Change[Count] = change;
            Ccc[Count] = ccc;
            Count++;
        }
    }

    private static void Run(ReadOnlySpan<int> input, NormalizationForm form, byte version, List<int> output,
        List<int>? changes)
    {
        var s = t_scratch ??= new Scratch();
        s.Count = 0;
        bool compat = form is NormalizationForm.FormKC or NormalizationForm.FormKD;
        bool compose = form is NormalizationForm.FormC or NormalizationForm.FormKC;
        // Work in chunks that end before a starter passing the quick check: nothing reorders or composes across
        // one, so the scratch stays small and hot, and the result (changes included) is that of one pass.
        int chunkStart = 0;
        for (int i = 0; i < input.Length; i++)
        {
            int cp = input[i];
            if (i - chunkStart >= 64 && (cp < 0xA0 ||
                NormalizationData.Ccc(cp, version) == 0 && NormalizationData.QuickCheck(cp, form, version) == 0))
            {
                Flush(s, compose, version, output, changes);
                chunkStart = i;
            }
            Decompose(cp, compat, version, s);
        }
        Flush(s, compose, version, output, changes);
        if (s.Cp.Length > 4096)
            t_scratch = null;  // do not keep a huge scratch alive after a pathological run of combining marks
    }

    private static void Flush(Scratch s, bool compose, byte version, List<int> output, List<int>? changes)
    {
        Reorder(s);
        if (compose)
        {
            Compose(s, version, output, changes);
        }
        else
        {
            for (int i = 0; i < s.Count; i++)
            {
                output.Add(s.Cp[i]);
                changes?.Add(s.Change[i]);
            }
        }
        s.Count = 0;
    }

    private static void Decompose(int cp, bool compat, byte version, Scratch s)
    {
        if (NormalizationData.IsHangulSyllable(cp))
        {
            int si = cp - NormalizationData.SBase;
            s.Push(NormalizationData.LBase + si / NormalizationData.NCount, 0, 0);
            s.Push(NormalizationData.VBase + si % NormalizationData.NCount / NormalizationData.TCount, 1, 0);
            if (si % NormalizationData.TCount != 0)
                s.Push(NormalizationData.TBase + si % NormalizationData.TCount, 1, 0);
            return;
        }
        int r = NormalizationData.Record(cp, version);
        var d = r == 0 ? default : NormalizationData.Decomposition(r, compat);
        if (d.IsEmpty)
        {
            s.Push(cp, 0, NormalizationData.Ccc(cp, version));
            return;
        }
        for (int i = 0; i < d.Length; i++)
            s.Push(d[i], i == 0 ? 0 : 1, NormalizationData.Ccc(d[i], version));
    }

    /// <summary>Canonical ordering: a stable sort of each run of non-starters by combining class.</summary>
    private static void Reorder(Scratch s)
    {
        for (int i = 1; i < s.Count; i++)
        {
            byte c = s.Ccc[i];
            if (c == 0 || s.Ccc[i - 1] <= c)
                continue;
            int cp = s.Cp[i], ch = s.Change[i];
            int j = i;
            while (j > 0 && s.Ccc[j - 1] > c)
            {
                s.Cp[j] = s.Cp[j - 1];
                s.Change[j] = s.Change[j - 1];
                s.Ccc[j] = s.Ccc[j - 1];
                j--;
            }
            s.Cp[j] = cp;
            s.Change[j] = ch;
            s.Ccc[j] = c;
        }
    }

    /// <summary>Canonical composition, in the order and with the change values of the Rust crate's recomposer.</summary>
    private static void Compose(Scratch s, byte version, List<int> output, List<int>? changes)
    {
        var pending = s.Pending;
        pending.Clear();
        bool haveComposee = false;
        int kCp = 0, kChange = 0;
        int lastCcc = -1;  // class of the last character kept pending since the composee; -1 when none
        for (int i = 0; i < s.Count; i++)
        {
            int ch = s.Cp[i], change = s.Change[i];
            byte cls = s.Ccc[i];
            if (!haveComposee)
            {
                if (cls != 0)
                {
                    Emit(ch, change);
                    continue;
                }
                (kCp, kChange, haveComposee) = (ch, change, true);
                continue;
            }
            if (lastCcc >= 0 && lastCcc >= cls)
            {
                // Blocked from the composee.
                if (cls == 0)
                {
                    Emit(kCp, kChange);
                    foreach (var p in pending)
                        Emit(p.Cp, p.Change);
                    pending.Clear();
                    (kCp, kChange, lastCcc) = (ch, change, -1);
                    continue;
                }
                pending.Add((ch, change));
                lastCcc = cls;
                continue;
            }
            int composite = NormalizationData.Compose(kCp, ch, version);
            if (composite >= 0)
            {
                (kCp, kChange) = (composite, kChange + change - 1);
                continue;
            }
            if (cls == 0 && lastCcc < 0)
            {
                Emit(kCp, kChange);
                (kCp, kChange) = (ch, change);
                continue;
            }
            pending.Add((ch, change));
            lastCcc = cls;
        }
        if (haveComposee)
            Emit(kCp, kChange);
        foreach (var p in pending)
            Emit(p.Cp, p.Change);
        pending.Clear();

        void Emit(int cp, int change)
        {
            output.Add(cp);
            changes?.Add(change);
        }
    }

    /// <summary>Decodes UTF-8 into scalars (ill-formed sequences become U+FFFD, as Rust's lossy decoding does);
    /// <paramref name="dest"/> must be at least as long as the input.</summary>
    internal static int Decode(ReadOnlySpan<byte> utf8, Span<int> dest)
    {
        int n = 0;
        while (!utf8.IsEmpty)
        {
            Rune.DecodeFromUtf8(utf8, out var r, out int used);
            dest[n++] = r.Value;
            utf8 = utf8[used..];
        }
        return n;
    }

    /// <summary>Encodes scalars as UTF-8.</summary>
    internal static byte[] Encode(ReadOnlySpan<int> scalars)
    {
        int len = 0;
        foreach (int cp in scalars)
            len += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        var bytes = new byte[len];
        int at = 0;
        foreach (int cp in scalars)
            at += new Rune(cp).EncodeToUtf8(bytes.AsSpan(at));
        return bytes;
    }
}
