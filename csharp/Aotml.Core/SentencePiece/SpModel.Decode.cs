using System.Buffers;
using System.Text;

namespace Aotml.SentencePiece;

public sealed partial class SpModel
{
    /// <summary>Decodes ids; ArgumentOutOfRangeException for an id outside the vocabulary.</summary>
    public byte[] DecodeIds(ReadOnlySpan<int> ids)
    {
        var items = new (byte[] Piece, int Id)[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)_pieces.Length) throw new ArgumentOutOfRangeException(nameof(ids), $"piece id is out of range: {ids[i]}");
            items[i] = (_pieces[ids[i]].Utf8, ids[i]);
        }
        return Decode(items);
    }

    /// <summary>Decodes pieces given as UTF-8 (pieces outside the vocabulary decode as themselves).</summary>
    public byte[] DecodePieces(IReadOnlyList<byte[]> pieces)
    {
        var items = new (byte[] Piece, int Id)[pieces.Count];
        for (int i = 0; i < items.Length; i++) items[i] = (pieces[i], PieceToId(pieces[i]));
        return Decode(items);
    }

    // sentencepiece's Decode: control pieces vanish, <unk> becomes unk_surface, runs of byte pieces are decoded as
    // UTF-8 (U+FFFD per bad byte), U+2581 becomes a space and the leading one is dropped.
    private byte[] Decode((byte[] Piece, int Id)[] items)
    {
        var text = new ArrayBufferWriter<byte>(16 + items.Length * 4);
        var spec = Proto.Normalizer;
        byte[] unkSurface = Encoding.UTF8.GetBytes(Proto.Trainer.UnkSurface);
        int byteStart = 0;
        bool isBosWs = true, bosWsSeen = false;
        for (int i = 0; i < items.Length; i++)
        {
            var (piece, id) = items[i];
            if (Is(id, PieceType.Byte)) continue;
            FlushBytes(items, byteStart, i, text);
            if (bosWsSeen || text.WrittenCount > 0) isBosWs = false;
            byteStart = i + 1;
            bosWsSeen = false;
            if (Is(id, PieceType.Control)) continue;
            if (Is(id, PieceType.Unknown))
            {
                text.Write(piece.AsSpan().SequenceEqual(_pieces[id].Utf8) ? unkSurface : piece);
                continue;
            }
            ReadOnlySpan<byte> p = piece;
            if (isBosWs && (spec.AddDummyPrefix || spec.RemoveExtraWhitespaces) && p.StartsWith("\u2581"u8))
            {
                p = p[3..];
                bosWsSeen = !spec.RemoveExtraWhitespaces;
            }
            while (!p.IsEmpty)
            {
                int k = p.IndexOf("\u2581"u8);
                if (k < 0) { text.Write(p); break; }
                text.Write(p[..k]);
                text.Write(" "u8);
                p = p[(k + 3)..];
            }
        }
        FlushBytes(items, byteStart, items.Length, text);
        return _denormalizer != null ? _denormalizer.Normalize(text.WrittenSpan) : text.WrittenSpan.ToArray();
    }

    private void FlushBytes((byte[] Piece, int Id)[] items, int begin, int end, ArrayBufferWriter<byte> text)
    {
        if (begin >= end) return;
        var bytes = new byte[end - begin];
        for (int i = begin; i < end; i++) bytes[i - begin] = (byte)PieceToByte(_pieces[items[i].Id].Piece);
        ReadOnlySpan<byte> b = bytes;
        while (!b.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(b, out _, out int n) == OperationStatus.Done) { text.Write(b[..n]); b = b[n..]; }
            else { text.Write("\uFFFD"u8); b = b[1..]; }
        }
    }
}
