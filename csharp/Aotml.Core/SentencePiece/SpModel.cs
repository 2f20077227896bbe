namespace Aotml.SentencePiece;

/// <summary>
/// A loaded sentencepiece model: the vocabulary with its lookups, the normalizer and the segmentation algorithm.
/// Immutable after construction; one instance serves any number of threads.
/// </summary>
public sealed partial class SpModel
{
    private const float UnkPenalty = 10.0f;

    /// <summary>The parsed model.</summary>
    public ModelProto Proto { get; }
    /// <summary>The normalizer of input text.</summary>
    public SpNormalizer Normalizer { get; }
    /// <summary>The id of the unknown piece.</summary>
    public int UnkId { get; }

    private readonly SpPiece[] _pieces;
    private readonly PieceTrie _normal;                  // normal, user-defined and unused pieces
    private readonly PieceTrie _reserved = new();  // control, unknown and byte pieces
    private readonly PieceTrie? _userDefined;
    private readonly int[] _byteIds = new int[256];
    private readonly float _minScore = float.MaxValue, _maxScore = float.Epsilon;
    private readonly ModelType _type;
    // What the unigram lattice needs of each id, in flat arrays: its score and whether it is normal, user-defined
    // (scored by length) or never a lattice node (unused, or a reserved piece).
    private const byte KindNormal = 0, KindUserDefined = 1, KindSkip = 2;
    private readonly byte[] _latticeKind;
    private readonly float[] _latticeScore;
    private readonly byte[] _typeOf;  // PieceType by id

    /// <summary>Loads a serialized ModelProto; ConfigurationException if it is malformed or inconsistent.</summary>
    public SpModel(ReadOnlySpan<byte> serialized)
    {
        Proto = ModelProto.Parse(serialized);
        _pieces = [.. Proto.Pieces];
        _type = Proto.Trainer.ModelType;
        bool byteFallback = Proto.Trainer.ByteFallback;
        _normal = new PieceTrie(_pieces.Length);
        UnkId = -1;
        var bytesFound = new bool[256];
        for (int i = 0; i < _pieces.Length; i++)
        {
            var p = _pieces[i];
            bool normal = p.Type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused;
            (normal ? _normal : _reserved).Add(p.Utf8, i);
            if (p.Type == PieceType.UserDefined) (_userDefined ??= new PieceTrie()).Add(p.Utf8, i);
            if (p.Type == PieceType.Unknown)
            {
                if (UnkId >= 0) throw new ConfigurationException("sentencepiece model: more than one unknown piece");
                UnkId = i;
            }
            if (p.Type == PieceType.Byte)
            {
                if (!byteFallback) throw new ConfigurationException($"sentencepiece model: byte piece {p.Piece} although byte_fallback is false");
                int b = PieceToByte(p.Piece);
                if (b < 0) throw new ConfigurationException($"sentencepiece model: byte piece {p.Piece} is invalid");
                bytesFound[b] = true;
                _byteIds[b] = i;
            }
            if (p.Type == PieceType.Normal)
            {
                _minScore = Math.Min(_minScore, p.Score);
                _maxScore = Math.Max(_maxScore, p.Score);
            }
        }
        _latticeKind = new byte[_pieces.Length];
        _latticeScore = new float[_pieces.Length];
        _typeOf = new byte[_pieces.Length];
        for (int i = 0; i < _pieces.Length; i++)
        {
            _typeOf[i] = (byte)_pieces[i].Type;
            _latticeScore[i] = _pieces[i].Score;
            _latticeKind[i] = _pieces[i].Type switch
            {
                PieceType.Normal => KindNormal,
                PieceType.UserDefined => KindUserDefined,
                _ => KindSkip,
            };
        }
        int duplicate = Math.Max(_normal.Freeze(), _reserved.Freeze());
        if (duplicate >= 0)
            throw new ConfigurationException($"sentencepiece model: piece {duplicate} ({_pieces[duplicate].Piece}) is already defined");
        _userDefined?.Freeze();
        _normal.SetScores(id => _latticeKind[id] == KindNormal ? _latticeScore[id] : float.NaN);
        if (UnkId < 0) throw new ConfigurationException("sentencepiece model: no unknown piece is defined");
        if (byteFallback && Array.IndexOf(bytesFound, false) >= 0)
            throw new ConfigurationException("sentencepiece model: byte_fallback is true but the 256 byte pieces are not all there");
        Normalizer = new SpNormalizer(Proto.Normalizer, Proto.Trainer.TreatWhitespaceAsSuffix, _userDefined);
        _suffix = Proto.Trainer.TreatWhitespaceAsSuffix;
        _segmentCache = _type is ModelType.Unigram or ModelType.Bpe && PiecesStayInSegments(_pieces, _suffix);
        _denormalizer = Proto.Denormalizer is { PrecompiledCharsmap.Length: > 0 } d ? new SpNormalizer(d, false, null) : null;
    }

    private readonly SpNormalizer? _denormalizer;

    /// <summary>Number of pieces.</summary>
    public int Count => _pieces.Length;

    /// <summary>The piece of <paramref name="id"/> (0 &lt;= id &lt; Count).</summary>
    public SpPiece Piece(int id) => _pieces[id];

    /// <summary>sentencepiece's PieceToId: reserved pieces first, then the vocabulary, else the unknown id.</summary>
    public int PieceToId(ReadOnlySpan<byte> piece)
    {
        int id = _reserved.Find(piece);
        if (id >= 0) return id;
        id = _normal.Find(piece);
        return id < 0 ? UnkId : id;
    }

    /// <summary>The byte of a "&lt;0xXX&gt;" piece, or -1.</summary>
    public static int PieceToByte(string piece)
    {
        if (piece.Length != 6 || !piece.StartsWith("<0x", StringComparison.Ordinal) || piece[5] != '>') return -1;
        return int.TryParse(piece.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier,
            System.Globalization.CultureInfo.InvariantCulture, out int b) ? b : -1;
    }

    /// <summary>Whether <paramref name="id"/> has type <paramref name="t"/>.</summary>
    public bool Is(int id, PieceType t) => (uint)id < (uint)_pieces.Length && _pieces[id].Type == t;

    private static int OneCharLen(byte b) => b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}
