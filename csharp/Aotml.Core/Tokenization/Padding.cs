namespace Aotml.Tokenization;

/// <summary>HF's padding settings; <paramref name="Length"/> null pads to the longest encoding of the batch.</summary>
public sealed record PaddingParams(Direction Direction = Direction.Right, int? Length = null, int? PadToMultipleOf = null, uint PadId = 0, uint PadTypeId = 0, string PadToken = "[PAD]");

/// <summary>HF's <c>pad_encodings</c>.</summary>
public static class Padding
{
    /// <summary>The length <paramref name="encodings"/> are padded to under <paramref name="p"/>.</summary>
    public static int TargetLength(IReadOnlyList<Encoding> encodings, PaddingParams p)
    {
        int length = p.Length ?? 0;
        if (p.Length is null)
            foreach (var e in encodings) length = Math.Max(length, e.Length);
        if (p.PadToMultipleOf is int m && m > 0 && length % m > 0) length += m - length % m;
        return length;
    }

    /// <summary>Pads every encoding (and its overflowing parts) in place.</summary>
    public static void PadEncodings(IReadOnlyList<Encoding> encodings, PaddingParams p)
    {
        if (encodings.Count == 0) return;
        int length = TargetLength(encodings, p);
        foreach (var e in encodings) e.Pad(length, p.PadId, p.PadTypeId, p.PadToken, p.Direction);
    }
}
