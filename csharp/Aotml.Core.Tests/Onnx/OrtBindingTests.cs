using System.Runtime.InteropServices;
using Aotml.Onnx;

namespace Aotml.Tests.Onnx;

/// <summary>The C API binding itself: table order, status handling, sessions, values and bindings.</summary>
public unsafe class OrtBindingTests
{
    public OrtBindingTests() => OrtFixture.Ensure();

    private static readonly SessionSettings NoSettings = new();

    [Fact]
    public void VersionAndBuildInfoComeFromTheTable()
    {
        Assert.StartsWith("1.", OrtLibrary.Version);
        // GetBuildInfoString sits at entry 254: a wrong field order would call some other function here.
        Assert.Contains("ORT Build Info", Ort.BuildInfo);
        Assert.Contains("CPUExecutionProvider", Ort.AvailableProviders());
        Assert.Equal("CPUExecutionProvider", Ort.AvailableProviders()[^1]);
        Assert.True(Ort.CompiledProviders().Length >= Ort.AvailableProviders().Length);
    }

    [Fact]
    public void SessionDescribesItsGraph()
    {
        using var s = InferenceSession.FromBytes(OnnxModel.AddOne("batch", 4), NoSettings);
        var input = Assert.Single(s.Inputs);
        Assert.Equal(("X", "tensor(float)", ElementType.Float), (input.Name, input.Type, input.ElementType));
        Assert.Equal([-1L, 4L], input.Dims!);
        Assert.Equal("batch", input.SymbolicDims![0]);
        Assert.Equal("X: tensor(float)[batch,4]", input.Describe());
        Assert.Equal("Y", Assert.Single(s.Outputs).Name);
        Assert.Equal("aotml-xunit", s.Metadata.ProducerName);
        Assert.Equal("add_one", s.Metadata.GraphName);
        Assert.Equal(3, s.Metadata.Version);
        Assert.Equal("xunit model", s.Metadata.Description);
        Assert.Equal("xunit", s.Metadata.CustomMetadataMap["author"]);
        Assert.Equal(["CPUExecutionProvider"], s.Providers);
    }

    [Fact]
    public void RunReadsCallerMemoryAndReturnsOrtMemory()
    {
        using var s = InferenceSession.FromBytes(OnnxModel.AddOne(2, 3), NoSettings);
        float[] x = [1, 2, 3, 4, 5, 6];
        long[] shape = [2, 3];
        fixed (float* px = x)
        {
            s.CheckInput(0, ElementType.Float, shape);
            nint input = Value.CreateOver(px, x.Length * 4, shape, ElementType.Float);
            nint[] outputs = new nint[1];
            try { s.Run(null, [0], [input], [0], outputs); }
            finally { Value.Release(input); }
            using var y = new Value(outputs[0]);
            var d = y.Describe();
            Assert.Equal((ValueKind.Tensor, ElementType.Float, 2, 6L), (d.Kind, d.ElementType, d.Rank, d.ElementCount));
            Assert.Equal([2L, 3L], new ReadOnlySpan<long>(d.Shape, d.Rank).ToArray());
            Assert.Equal([2f, 3, 4, 5, 6, 7], new ReadOnlySpan<float>(d.Data, 6).ToArray());
        }
    }

    [Fact]
    public void ErrorsCarryOrtsCodeAndMessage()
    {
        var e = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.FromBytes("not a model"u8, NoSettings));
        Assert.Equal(7, e.OrtCode);   // ORT_INVALID_PROTOBUF
        Assert.Contains("protobuf parsing failed", e.Message);
        Assert.Throws<FileNotFoundException>(() => InferenceSession.FromFile("/no/such/model.onnx", NoSettings));
    }

    [Fact]
    public void InputChecksNameTheInput()
    {
        using var s = InferenceSession.FromBytes(OnnxModel.AddOne(1, 4), NoSettings);
        var dtype = Assert.Throws<ArgumentException>(() => s.CheckInput(0, ElementType.Double, [1, 4]));
        Assert.Contains("input 'X' expects tensor(float) (numpy float32), given float64", dtype.Message);
        var shape = Assert.Throws<ArgumentException>(() => s.CheckInput(0, ElementType.Float, [4]));
        Assert.Contains("input 'X' expects shape [1,4] (rank 2), given shape [4] (rank 1)", shape.Message);
        var missing = Assert.Throws<ArgumentException>(() => s.Run(null, [], [], [0], new nint[1]));
        Assert.Contains("missing input 'X'", missing.Message);
    }

    [Fact]
    public void StringTensorsKeepEveryByte()
    {
        using var s = InferenceSession.FromBytes(OnnxModel.Identity(8, 3), NoSettings);
        byte[] utf8 = "héllo\0x日本"u8.ToArray();
        long[] offsets = [0, 6, 8, utf8.Length];
        using var input = Value.FromStrings(utf8, offsets, [3]);
        var outputs = new nint[1];
        s.Run(null, [0], [input.Pointer], [0], outputs);
        using var y = new Value(outputs[0]);
        y.GetStrings(out byte* data, out long bytes, out long* offs, out long count);
        try
        {
            Assert.Equal(3, count);
            Assert.Equal(utf8, new ReadOnlySpan<byte>(data, (int)bytes).ToArray());
            Assert.Equal(offsets, new ReadOnlySpan<long>(offs, 4).ToArray());
        }
        finally
        {
            NativeMemory.Free(data);
            NativeMemory.Free(offs);
        }
    }

    [Fact]
    public void UnknownProviderListsTheAvailableOnes()
    {
        var settings = new SessionSettings().Add("provider", "NoSuchExecutionProvider");
        var e = Assert.Throws<ArgumentException>(() => InferenceSession.FromBytes(OnnxModel.AddOne(1), settings));
        Assert.Contains("available providers: [", e.Message);
        Assert.Contains("'CPUExecutionProvider'", e.Message);
        Assert.Throws<ArgumentException>(() => new SessionSettings().Add("no_such_option", "1"));
        Assert.Throws<ArgumentException>(() => InferenceSession.FromBytes(OnnxModel.AddOne(1),
            new SessionSettings().Add("graph_optimization_level", "5")));
    }

    [Fact]
    public void SettingsParseFromTheWireForm()
    {
        var s = SessionSettings.Parse("intra_op_num_threads\u00002\u0000provider\u0000CPUExecutionProvider\u0000provider_option:x\u0000y\u0000"u8);
        var p = Assert.Single(s.Providers());
        Assert.Equal("CPUExecutionProvider", p.Name);
        Assert.Equal([("x", "y")], p.Options);
        using var session = InferenceSession.FromBytes(OnnxModel.AddOne(1), s);
        Assert.Equal(["CPUExecutionProvider"], session.Providers);
    }

    [Fact]
    public void TerminatedRunsThrowOperationCanceled()
    {
        using var s = InferenceSession.FromBytes(OnnxModel.AddOne(1), NoSettings);
        using var ro = new RunOptions();
        ro.Set("run_tag", "t");
        ro.Terminate = true;
        float x = 1;
        nint input = Value.CreateOver(&x, 4, [1], ElementType.Float);
        try
        {
            Assert.Throws<OperationCanceledException>(() => s.Run(ro, [0], [input], [0], new nint[1]));
            ro.Terminate = false;
            var outputs = new nint[1];
            s.Run(ro, [0], [input], [0], outputs);
            using var y = new Value(outputs[0]);
            Assert.Equal(2f, *(float*)y.Describe().Data);
        }
        finally { Value.Release(input); }
    }

    [Fact]
    public void IoBindingWritesBoundOutputsInPlace()
    {
        using var s = InferenceSession.FromBytes(OnnxModel.AddOne(4), NoSettings);
        float[] x = [1, 2, 3, 4];
        float[] y = new float[4];
        fixed (float* px = x)
        fixed (float* py = y)
        {
            using var vx = new Value(Value.CreateOver(px, 16, [4], ElementType.Float));
            using var vy = new Value(Value.CreateOver(py, 16, [4], ElementType.Float));
            using var b = new IoBinding(s);
            b.BindInput("X", vx);
            b.BindOutput("Y", vy);
            s.Run(null, b);
            Assert.Equal([2f, 3, 4, 5], y);
            var outs = b.Outputs();
            Assert.Single(outs);
            Assert.Equal((nint)py, (nint)outs[0].Describe().Data);
            foreach (var o in outs) o.Dispose();
        }
    }

    [Fact]
    public void ValuesAreReferenceCounted()
    {
        var v = Value.Allocate([2, 2], ElementType.Int64);
        var d = v.Describe();
        Assert.Equal(new long[4], new ReadOnlySpan<long>(d.Data, 4).ToArray());
        v.AddRef();
        v.Dispose();
        Assert.NotEqual(0, v.Pointer);   // one reference left
        v.Dispose();
        Assert.Throws<ObjectDisposedException>(() => v.Pointer);
    }

    [Fact]
    public void SequencesGoBothWays()
    {
        using var s = InferenceSession.FromBytes(OnnxModel.Sequences(), NoSettings);
        Assert.Equal(["tensor(float)", "tensor(float)", "seq(tensor(float))"], s.Inputs.Select(a => a.Type).ToArray());
        Assert.Equal("seq(tensor(float))", s.Outputs[0].Type);
        float[] a = [1, 2], b = [3, 4, 5];
        fixed (float* pa = a)
        fixed (float* pb = b)
        {
            using var va = new Value(Value.CreateOver(pa, 8, [2], ElementType.Float));
            using var vb = new Value(Value.CreateOver(pb, 12, [3], ElementType.Float));
            using var seq = Value.Sequence([va, vb]);
            Assert.Equal(ValueKind.Sequence, seq.Describe().Kind);
            var outputs = new nint[2];
            s.Run(null, [0, 1, 2], [va.Pointer, vb.Pointer, seq.Pointer], [0, 1], outputs);
            using var outSeq = new Value(outputs[0]);
            using var y = new Value(outputs[1]);
            Assert.Equal(2, outSeq.Count);
            using (var second = outSeq.Element(1))
                Assert.Equal([3f, 4, 5], new ReadOnlySpan<float>(second.Describe().Data, 3).ToArray());
            Assert.Equal([1f, 2, 3, 4, 5], new ReadOnlySpan<float>(y.Describe().Data, 5).ToArray());
            Assert.Throws<ArgumentException>(() => outSeq.Element(2));
        }
    }
}
