using System.Buffers.Binary;
using System.Text;

namespace Aotml.SentencePiece;

/// <summary>The type of a vocabulary entry, as sentencepiece_model.proto numbers it.</summary>
public enum PieceType
{
    /// <summary>An ordinary piece.</summary>
    Normal = 1,
    /// <summary>The unknown piece (exactly one).</summary>
    Unknown = 2,
    /// <summary>A control symbol (&lt;s&gt;, &lt;/s&gt;): never produced by encoding, invisible in decoding.</summary>
    Control = 3,
    /// <summary>A user-defined symbol: always kept whole.</summary>
    UserDefined = 4,
    /// <summary>An unused piece: never produced by encoding.</summary>
    Unused = 5,
    /// <summary>A byte piece &lt;0xXX&gt; of byte fallback.</summary>
    Byte = 6,
}

/// <summary>The model algorithm (TrainerSpec.model_type).</summary>
public enum ModelType
{
    /// <summary>Unigram language model (Viterbi over a lattice).</summary>
    Unigram = 1,
    /// <summary>Byte-pair encoding by piece score.</summary>
    Bpe = 2,
    /// <summary>Whitespace-delimited words.</summary>
    Word = 3,
    /// <summary>One piece per character.</summary>
    Char = 4,
}

/// <summary>One vocabulary entry.</summary>
public readonly record struct SpPiece(byte[] Utf8, float Score, PieceType Type)
{
    /// <summary>The piece as a string, made on each call: loading a model makes no per-piece strings.</summary>
    public string Piece => Encoding.UTF8.GetString(Utf8);
}

/// <summary>The fields of NormalizerSpec that change how text is normalized.</summary>
public sealed class NormalizerSpec
{
    /// <summary>The rule set's name (nmt_nfkc, identity, ...).</summary>
    public string Name = "";
    /// <summary>Compiled rules: a Darts double-array trie and the replacement strings.</summary>
    public byte[] PrecompiledCharsmap = [];
    /// <summary>Prefix the text with a whitespace (suffix with treat_whitespace_as_suffix).</summary>
    public bool AddDummyPrefix = true;
    /// <summary>Drop leading and trailing whitespace and squeeze runs of it.</summary>
    public bool RemoveExtraWhitespaces = true;
    /// <summary>Write spaces as U+2581.</summary>
    public bool EscapeWhitespaces = true;
}

/// <summary>The fields of TrainerSpec that the encoder and decoder read.</summary>
public sealed class TrainerSpec
{
    /// <summary>The model algorithm.</summary>
    public ModelType ModelType = ModelType.Unigram;
    /// <summary>Unknown characters become byte pieces instead of the unknown piece.</summary>
    public bool ByteFallback;
    /// <summary>Whitespace ends pieces instead of starting them.</summary>
    public bool TreatWhitespaceAsSuffix;
    /// <summary>Runs of whitespace may form their own pieces (word model splitting).</summary>
    public bool AllowWhitespaceOnlyPieces;
    /// <summary>Decoded text of the unknown piece.</summary>
    public string UnkSurface = " \u2047 ";
    /// <summary>Names of the special pieces.</summary>
    public string UnkPiece = "<unk>", BosPiece = "<s>", EosPiece = "</s>", PadPiece = "<pad>";
    /// <summary>Whether unk_surface was written in the model.</summary>
    public bool HasUnkSurface;
}

/// <summary>
/// A reader for the few messages of sentencepiece_model.proto the engine needs. Hand-written rather than generated:
/// no reflection (AOT-clean), no dependency, and it skips what it does not need without allocating.
/// </summary>
public sealed class ModelProto
{
    /// <summary>The vocabulary, by id.</summary>
    public readonly List<SpPiece> Pieces = [];
    /// <summary>Trainer options that matter for encoding.</summary>
    public readonly TrainerSpec Trainer = new();
    /// <summary>How input text is normalized.</summary>
    public readonly NormalizerSpec Normalizer = new();
    /// <summary>How decoded text is normalized (absent in most models).</summary>
    public NormalizerSpec? Denormalizer;

    /// <summary>Parses a serialized ModelProto; ConfigurationException when it is not one.</summary>
    public static ModelProto Parse(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) throw new ConfigurationException("sentencepiece model: empty data; expected a serialized ModelProto (.model file)");
        var m = new ModelProto();
        var r = new Reader(data, "model");
        bool sawTrainer = false;
        while (r.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, 2): m.Pieces.Add(ParsePiece(r.Bytes(), m.Pieces.Count)); break;
                case (2, 2): ParseTrainer(r.Bytes(), m.Trainer); sawTrainer = true; break;
                case (3, 2): ParseNormalizer(r.Bytes(), m.Normalizer); break;
                case (5, 2): ParseNormalizer(r.Bytes(), m.Denormalizer = new NormalizerSpec()); break;
                default: r.Skip(wire); break;
            }
        }
        if (m.Pieces.Count == 0)
            throw new ConfigurationException(sawTrainer ? "sentencepiece model: the vocabulary is empty"
                : "sentencepiece model: not a serialized ModelProto (no pieces, no trainer spec)");
        return m;
    }

    private static SpPiece ParsePiece(ReadOnlySpan<byte> data, int id)
    {
        var r = new Reader(data, $"piece {id}");
        byte[] piece = [];
        float score = 0;
        int type = 1;
        while (r.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, 2): piece = r.Bytes().ToArray(); break;
                case (2, 5): score = BitConverter.Int32BitsToSingle((int)r.Fixed32()); break;
                case (3, 0): type = (int)r.Varint(); break;
                default: r.Skip(wire); break;
            }
        }
        if (piece.Length == 0) throw new ConfigurationException($"sentencepiece model: piece {id} is empty");
        if (!System.Text.Unicode.Utf8.IsValid(piece)) throw new ConfigurationException($"sentencepiece model: piece {id} is not valid UTF-8");
        if (type < 1 || type > 6) throw new ConfigurationException($"sentencepiece model: piece {id} has unknown type {type}");
        return new SpPiece(piece, score, (PieceType)type);
    }

    private static void ParseTrainer(ReadOnlySpan<byte> data, TrainerSpec t)
    {
        var r = new Reader(data, "trainer_spec");
        while (r.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (3, 0):
                    long mt = r.Varint();
                    if (mt < 1 || mt > 4) throw new ConfigurationException($"sentencepiece model: unknown model_type {mt}");
                    t.ModelType = (ModelType)mt;
                    break;
                case (35, 0): t.ByteFallback = r.Varint() != 0; break;
                case (24, 0): t.TreatWhitespaceAsSuffix = r.Varint() != 0; break;
                case (26, 0): t.AllowWhitespaceOnlyPieces = r.Varint() != 0; break;
                case (44, 2): t.UnkSurface = r.String(); t.HasUnkSurface = true; break;
                case (45, 2): t.UnkPiece = r.String(); break;
                case (46, 2): t.BosPiece = r.String(); break;
                case (47, 2): t.EosPiece = r.String(); break;
                case (48, 2): t.PadPiece = r.String(); break;
                default: r.Skip(wire); break;
            }
        }
    }

    private static void ParseNormalizer(ReadOnlySpan<byte> data, NormalizerSpec n)
    {
        var r = new Reader(data, "normalizer_spec");
        while (r.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, 2): n.Name = r.String(); break;
                case (2, 2): n.PrecompiledCharsmap = r.Bytes().ToArray(); break;
                case (3, 0): n.AddDummyPrefix = r.Varint() != 0; break;
                case (4, 0): n.RemoveExtraWhitespaces = r.Varint() != 0; break;
                case (5, 0): n.EscapeWhitespaces = r.Varint() != 0; break;
                default: r.Skip(wire); break;
            }
        }
    }

    // Protocol-buffers wire format: tag varints, then varint / fixed64 / length-delimited / fixed32 payloads.
    private ref struct Reader(ReadOnlySpan<byte> data, string what)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (_pos >= _data.Length) return false;
            long tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            if (field <= 0 || tag >> 3 > int.MaxValue) throw Bad("invalid field number");
            return true;
        }

        public long Varint()
        {
            ulong v = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_pos >= _data.Length) throw Bad("truncated varint");
                byte b = _data[_pos++];
                v |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return (long)v;
            }
            throw Bad("varint longer than 10 bytes");
        }

        public uint Fixed32()
        {
            if (_data.Length - _pos < 4) throw Bad("truncated fixed32");
            uint v = BinaryPrimitives.ReadUInt32LittleEndian(_data[_pos..]);
            _pos += 4;
            return v;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            long len = Varint();
            if (len < 0 || len > _data.Length - _pos) throw Bad($"a length of {len} runs past the end");
            var s = _data.Slice(_pos, (int)len);
            _pos += (int)len;
            return s;
        }

        public string String()
        {
            var b = Bytes();
            if (!System.Text.Unicode.Utf8.IsValid(b)) throw Bad("a string is not valid UTF-8");
            return Encoding.UTF8.GetString(b);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: if (_data.Length - _pos < 8) throw Bad("truncated fixed64"); _pos += 8; break;
                case 2: Bytes(); break;
                case 5: Fixed32(); break;
                default: throw Bad($"unsupported wire type {wire}");
            }
        }

        private readonly ConfigurationException Bad(string why) =>
            new($"sentencepiece model: malformed {what} at byte {_pos}: {why} (truncated or not a .model file?)");
    }
}
