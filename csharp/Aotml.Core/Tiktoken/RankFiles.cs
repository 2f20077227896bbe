using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.InteropServices;

namespace Aotml.Tiktoken;

/// <summary>
/// Readers for mergeable-rank files: tiktoken's text format (<c>base64 rank</c> per line) and aotml's compact
/// binary format, which the build writes from the pinned npm data so that loading is a few copies, not a parse.
/// </summary>
/// <remarks>
/// Compact format, little-endian: "AOTMLBPE", u32 version (1), u32 count, u32 blob length, u32 reserved (0),
/// u32 ranks[count], u32 offsets[count + 1] (offsets[0] = 0, offsets[count] = blob length), the token bytes.
/// </remarks>
public static class RankFiles
{
    private static ReadOnlySpan<byte> Magic => "AOTMLBPE"u8;
    private const int HeaderSize = 24;

    /// <summary>The ranks in a file: token bytes concatenated, start offsets (count + 1) and ranks.</summary>
    public sealed record Ranks(byte[] Blob, int[] Offsets, uint[] Values)
    {
        /// <summary>Number of tokens.</summary>
        public int Count => Values.Length;
    }

    /// <summary>Reads a .tiktoken or compact file, chosen by its first bytes.</summary>
    public static Ranks Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such rank file: {path}", path);
        byte[] data = File.ReadAllBytes(path);
        return data.AsSpan().StartsWith(Magic) ? ParseCompact(data, path) : ParseTiktoken(data, path);
    }

    /// <summary>Parses the compact binary format.</summary>
    public static Ranks ParseCompact(ReadOnlySpan<byte> data, string source = "<memory>")
    {
        if (data.Length < HeaderSize || !data.StartsWith(Magic)) throw Bad(source, "not an aotml compact rank file (bad magic)");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (version != 1) throw Bad(source, $"unsupported compact rank file version {version}");
        long count = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        long blobLen = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        long expected = HeaderSize + 4 * count + 4 * (count + 1) + blobLen;
        if (expected != data.Length) throw Bad(source, $"size {data.Length} does not match its header ({expected} expected)");
        int n = (int)count;
        var values = GC.AllocateUninitializedArray<uint>(n, pinned: true);
        var offsets = GC.AllocateUninitializedArray<int>(n + 1, pinned: true);
        var blob = GC.AllocateUninitializedArray<byte>((int)blobLen, pinned: true);
        MemoryMarshal.Cast<byte, uint>(data.Slice(HeaderSize, 4 * n)).CopyTo(values);
        MemoryMarshal.Cast<byte, int>(data.Slice(HeaderSize + 4 * n, 4 * (n + 1))).CopyTo(offsets);
        data.Slice(HeaderSize + 8 * n + 4, (int)blobLen).CopyTo(blob);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        if (offsets[0] != 0 || offsets[n] != blobLen) throw Bad(source, "token offsets do not span the token bytes");
        for (int i = 0; i < n; i++)
            if (offsets[i + 1] <= offsets[i]) throw Bad(source, $"token {i} has a non-positive length");
        return new Ranks(blob, offsets, values);
    }

    /// <summary>Parses tiktoken's text format: one <c>base64 rank</c> per line; empty lines are skipped.</summary>
    public static Ranks ParseTiktoken(ReadOnlySpan<byte> data, string source = "<memory>")
    {
        // Upper bounds: every line holds at least one token of at least one byte.
        var blob = new List<byte>(data.Length);
        var offsets = new List<int>(data.Length / 8 + 2) { 0 };
        var values = new List<uint>(data.Length / 8 + 1);
        Span<byte> decoded = stackalloc byte[256];
        int lineNo = 0;
        while (!data.IsEmpty)
        {
            lineNo++;
            int nl = data.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = nl < 0 ? data : data[..nl];
            data = nl < 0 ? default : data[(nl + 1)..];
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            if (line.IsEmpty) continue;
            int sp = line.IndexOf((byte)' ');
            if (sp <= 0 || line[(sp + 1)..].IndexOf((byte)' ') >= 0)
                throw Bad(source, $"line {lineNo}: expected '<base64 token> <rank>', got {Show(line)}");
            var b64 = line[..sp];
            var rankText = line[(sp + 1)..];
            if (!uint.TryParse(rankText, System.Globalization.NumberStyles.None, null, out uint rank))
                throw Bad(source, $"line {lineNo}: rank {Show(rankText)} is not a non-negative 32-bit integer");
            if (rank == uint.MaxValue)
                throw Bad(source, $"line {lineNo}: rank 4294967295 (2^32 - 1) is refused: aotml reserves it to mean "
                    + "'no such token', and token ids must stay far below it anyway");
            int max = Base64.GetMaxDecodedFromUtf8Length(b64.Length);
            Span<byte> dst = max <= decoded.Length ? decoded : new byte[max];
            if (Base64.DecodeFromUtf8(b64, dst, out int consumed, out int written) != System.Buffers.OperationStatus.Done || consumed != b64.Length || written == 0)
                throw Bad(source, $"line {lineNo}: {Show(b64)} is not valid non-empty base64");
            for (int i = 0; i < written; i++) blob.Add(dst[i]);
            offsets.Add(blob.Count);
            values.Add(rank);
        }
        var blobArr = GC.AllocateUninitializedArray<byte>(blob.Count, pinned: true);
        CollectionsMarshal.AsSpan(blob).CopyTo(blobArr);
        var offArr = GC.AllocateUninitializedArray<int>(offsets.Count, pinned: true);
        CollectionsMarshal.AsSpan(offsets).CopyTo(offArr);
        var valArr = GC.AllocateUninitializedArray<uint>(values.Count, pinned: true);
        CollectionsMarshal.AsSpan(values).CopyTo(valArr);
        return new Ranks(blobArr, offArr, valArr);
    }

    /// <summary>Writes the compact format (used by tests; the build writes the same bytes from Python).</summary>
    public static byte[] ToCompact(Ranks r)
    {
        int n = r.Count;
        var data = new byte[HeaderSize + 8 * n + 4 + r.Blob.Length];
        Magic.CopyTo(data);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), (uint)n);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16), (uint)r.Blob.Length);
        MemoryMarshal.AsBytes(r.Values.AsSpan()).CopyTo(data.AsSpan(HeaderSize));
        MemoryMarshal.AsBytes(r.Offsets.AsSpan()).CopyTo(data.AsSpan(HeaderSize + 4 * n));
        r.Blob.CopyTo(data.AsSpan(HeaderSize + 8 * n + 4));
        return data;
    }

    private static ConfigurationException Bad(string source, string what) => new($"{source}: {what}");

    private static string Show(ReadOnlySpan<byte> s)
    {
        var t = System.Text.Encoding.UTF8.GetString(s.Length > 60 ? s[..60] : s);
        return "'" + t + (s.Length > 60 ? "...'" : "'");
    }
}
