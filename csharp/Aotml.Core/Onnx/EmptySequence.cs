namespace Aotml.Onnx;

/// <summary>
/// Empty sequence values. ORT's C API makes a sequence only from at least one element (CreateValue), so an empty one
/// comes from running a one-node model, SequenceEmpty(dtype), built here as protobuf bytes: one small session per
/// element type, made on first use and kept for the process (single-threaded, so it starts no thread pool).
/// </summary>
public static class EmptySequence
{
    private static readonly InferenceSession?[] s_sessions = new InferenceSession?[(int)ElementType.Int4 + 1];

    /// <summary>A new empty sequence of tensors of <paramref name="type"/>; the caller disposes it.</summary>
    public static unsafe Value Create(ElementType type)
    {
        if (type <= ElementType.Undefined || type > ElementType.Int4)
            throw new ArgumentException($"unknown element type {(int)type}");
        InferenceSession session;
        lock (s_sessions)
        {
            session = s_sessions[(int)type] ??= InferenceSession.FromBytes(Model((int)type),
                new SessionSettings().Add("intra_op_num_threads", "1").Add("inter_op_num_threads", "1"));
        }
        nint result = 0;
        session.Run(null, [], [], [0], new Span<nint>(&result, 1));
        return new Value(result);
    }

    /// <summary>The ModelProto of a graph with no inputs and one output, S = SequenceEmpty(dtype).</summary>
    internal static byte[] Model(int elemType)
    {
        byte[] tensorType = Message(1, Varint(1, elemType));                       // TypeProto.tensor_type.elem_type
        byte[] sequenceType = Message(4, Message(1, tensorType));                  // TypeProto.sequence_type.elem_type
        byte[] output = [.. Text(1, "S"), .. Message(2, sequenceType)];           // ValueInfoProto name, type
        byte[] dtype = [.. Text(1, "dtype"), .. Varint(3, elemType), .. Varint(20, 2)];  // AttributeProto name, i, type=INT
        byte[] node = [.. Text(2, "S"), .. Text(4, "SequenceEmpty"), .. Message(5, dtype)];
        byte[] graph = [.. Message(1, node), .. Text(2, "empty_sequence"), .. Message(12, output)];
        return [.. Varint(1, 7), .. Message(7, graph), .. Message(8, Varint(2, 11))];  // ir_version 7, opset 11
    }

    private static byte[] Varint(int field, long value) => [.. Raw((ulong)(field << 3)), .. Raw((ulong)value)];

    private static byte[] Text(int field, string value) => Message(field, System.Text.Encoding.UTF8.GetBytes(value));

    private static byte[] Message(int field, byte[] body) => [.. Raw((ulong)(field << 3 | 2)), .. Raw((ulong)body.Length), .. body];

    private static byte[] Raw(ulong v)
    {
        var bytes = new List<byte>(10);
        for (; v >= 0x80; v >>= 7) bytes.Add((byte)(v | 0x80));
        bytes.Add((byte)v);
        return [.. bytes];
    }
}
