using System.Text;

namespace Aotml.Tests.Onnx;

/// <summary>
/// Writes tiny ONNX models as protobuf by hand (onnx.proto field numbers), so the binding is tested without any
/// model files: an Add, an Identity of any type, with fixed or symbolic dimensions and metadata.
/// </summary>
internal static class OnnxModel
{
    private sealed class Proto
    {
        private readonly MemoryStream _s = new();
        public Proto Varint(int field, long v) { Tag(field, 0); Raw((ulong)v); return this; }
        public Proto Bytes(int field, ReadOnlySpan<byte> b) { Tag(field, 2); Raw((ulong)b.Length); _s.Write(b); return this; }
        public Proto Str(int field, string s) => Bytes(field, Encoding.UTF8.GetBytes(s));
        public Proto Msg(int field, Proto p) => Bytes(field, p._s.ToArray());
        public byte[] ToArray() => _s.ToArray();
        private void Tag(int field, int wire) => Raw((ulong)(field << 3 | wire));
        private void Raw(ulong v)
        {
            while (v >= 0x80) { _s.WriteByte((byte)(v | 0x80)); v >>= 7; }
            _s.WriteByte((byte)v);
        }
    }

    /// <summary>A dimension: a number, a name ("batch"), or null for an unnamed free one.</summary>
    private static Proto ValueInfo(string name, int elemType, object?[] dims)
    {
        var shape = new Proto();
        foreach (var d in dims)
        {
            var dim = new Proto();
            if (d is int n) dim.Varint(1, n);
            else if (d is string s) dim.Str(2, s);
            shape.Msg(1, dim);
        }
        var tensor = new Proto().Varint(1, elemType).Msg(2, shape);
        return new Proto().Str(1, name).Msg(2, new Proto().Msg(1, tensor));
    }

    private static Proto Node(string op, string[] inputs, string[] outputs, (string Name, long Value)? intAttribute = null)
    {
        var n = new Proto();
        foreach (var i in inputs) n.Str(1, i);
        foreach (var o in outputs) n.Str(2, o);
        n.Str(4, op);
        if (intAttribute is { } a) n.Msg(5, new Proto().Str(1, a.Name).Varint(3, a.Value).Varint(20, 2 /* INT */));
        return n;
    }

    /// <summary>seq(tensor(float)) value info.</summary>
    private static Proto SequenceInfo(string name)
    {
        var tensor = new Proto().Msg(1, new Proto().Varint(1, 1));   // TypeProto { tensor_type { elem_type: FLOAT } }
        return new Proto().Str(1, name).Msg(2, new Proto().Msg(4, new Proto().Msg(1, tensor)));
    }

    /// <summary>S = SequenceConstruct(A, B) and Y = ConcatFromSequence(S2, axis 0) over float32 vectors.</summary>
    public static byte[] Sequences()
    {
        var g = new Proto().Msg(1, Node("SequenceConstruct", ["A", "B"], ["S"]))
            .Msg(1, Node("ConcatFromSequence", ["S2"], ["Y"], ("axis", 0))).Str(2, "sequences")
            .Msg(11, ValueInfo("A", 1, ["a"])).Msg(11, ValueInfo("B", 1, ["b"])).Msg(11, SequenceInfo("S2"))
            .Msg(12, SequenceInfo("S")).Msg(12, ValueInfo("Y", 1, [null]));
        return Model(g);
    }

    private static byte[] Model(Proto graph, Dictionary<string, string>? props = null, string producer = "aotml-xunit")
    {
        var m = new Proto().Varint(1, 8).Str(2, producer).Varint(5, 3).Str(6, "xunit model").Msg(7, graph)
            .Msg(8, new Proto().Str(1, "").Varint(2, 17));
        foreach (var (k, v) in props ?? []) m.Msg(14, new Proto().Str(1, k).Str(2, v));
        return m.ToArray();
    }

    /// <summary>Y = X + 1 over float32 of the given dims.</summary>
    public static byte[] AddOne(params object?[] dims)
    {
        var one = new Proto().Varint(1, 1).Varint(2, 1).Str(8, "one").Bytes(9, BitConverter.GetBytes(1.0f));
        var g = new Proto().Msg(1, Node("Add", ["X", "one"], ["Y"])).Str(2, "add_one").Msg(5, one)
            .Msg(11, ValueInfo("X", 1, dims)).Msg(12, ValueInfo("Y", 1, dims));
        return Model(g, new() { ["author"] = "xunit" });
    }

    /// <summary>Y = X for one element type.</summary>
    public static byte[] Identity(int elemType, params object?[] dims)
    {
        var g = new Proto().Msg(1, Node("Identity", ["X"], ["Y"])).Str(2, "identity")
            .Msg(11, ValueInfo("X", elemType, dims)).Msg(12, ValueInfo("Y", elemType, dims));
        return Model(g);
    }
}
