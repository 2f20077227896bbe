using System.Runtime.InteropServices;

namespace Aotml.Onnx;

/// <summary>
/// A graph input, output or overridable initializer: its name, its type as onnxruntime spells it
/// ("tensor(float)", "seq(tensor(int64))", "map(string,tensor(float))") and, for tensors, its dimensions.
/// </summary>
/// <param name="Name">The graph name.</param>
/// <param name="Type">The ONNX type string.</param>
/// <param name="Kind">Tensor, sequence, map, ...</param>
/// <param name="ElementType">The tensor element type (Undefined for non-tensors).</param>
/// <param name="Dims">Fixed dimensions, -1 where the dimension is not fixed; null when the shape is unknown.</param>
/// <param name="SymbolicDims">The dimension names ("batch"), null or empty where a dimension has none.</param>
/// <remarks>
/// An optional argument keeps Kind = Optional and describes what it may hold: <see cref="ContainedKind"/>, and for an
/// optional tensor its element type and dimensions, as ORT checks a tensor fed to it against them.
/// </remarks>
public sealed record NodeArg(string Name, string Type, ValueKind Kind, ElementType ElementType, long[]? Dims, string?[]? SymbolicDims)
{
    /// <summary>What an optional argument holds when it holds something (Tensor, Sequence, ...); Kind itself otherwise.</summary>
    public ValueKind ContainedKind { get; init; } = Kind;

    /// <summary>Whether a tensor may be fed to this argument (a tensor, or an optional tensor).</summary>
    public bool TakesTensor => ContainedKind == ValueKind.Tensor;

    /// <summary>"name: tensor(float)[batch,16]", for error messages.</summary>
    public string Describe() => $"{Name}: {Type}{ShapeText()}";

    /// <summary>"[batch,16]" (unnamed free dimensions as "?"), or "" when the shape is unknown.</summary>
    public string ShapeText()
    {
        if (Dims == null) return "";
        var parts = new string[Dims.Length];
        for (int i = 0; i < Dims.Length; i++)
            parts[i] = Dims[i] >= 0 ? Dims[i].ToString() : string.IsNullOrEmpty(SymbolicDims?[i]) ? "?" : SymbolicDims[i]!;
        return $"[{string.Join(",", parts)}]";
    }

    /// <summary>Reads an OrtTypeInfo (not released here).</summary>
    internal static unsafe NodeArg FromTypeInfo(string name, nint typeInfo)
    {
        var api = Ort.Api;
        int kind;
        Ort.Check(api->GetOnnxTypeFromTypeInfo(typeInfo, &kind));
        string type = TypeString(typeInfo);
        if ((ValueKind)kind == ValueKind.Optional)
        {
            nint opt, inner;
            Ort.Check(api->CastTypeInfoToOptionalTypeInfo(typeInfo, &opt));
            Ort.Check(api->GetOptionalContainedTypeInfo(opt, &inner));
            try
            {
                var contained = FromTypeInfo(name, inner);
                return contained with { Type = type, Kind = ValueKind.Optional, ContainedKind = contained.Kind };
            }
            finally { api->ReleaseTypeInfo(inner); }
        }
        if ((ValueKind)kind is not (ValueKind.Tensor or ValueKind.SparseTensor))
            return new NodeArg(name, type, (ValueKind)kind, ElementType.Undefined, null, null);
        nint tensorInfo;
        Ort.Check(api->CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elem;
        nuint rank;
        Ort.Check(api->GetTensorElementType(tensorInfo, &elem));
        Ort.Check(api->GetDimensionsCount(tensorInfo, &rank));
        var dims = new long[(int)rank];
        var names = new string?[(int)rank];
        if (rank > 0)
        {
            var symbolic = new byte*[(int)rank];
            fixed (long* d = dims)
            fixed (byte** s = symbolic)
            {
                Ort.Check(api->GetDimensions(tensorInfo, d, rank));
                Ort.Check(api->GetSymbolicDimensions(tensorInfo, s, rank));
            }
            for (int i = 0; i < names.Length; i++)
                names[i] = symbolic[i] == null ? null : Marshal.PtrToStringUTF8((nint)symbolic[i]);
        }
        // A tensor whose shape the model leaves unknown reports rank 0 just like a scalar: ORT cannot tell them
        // apart through this API, so rank-0 tensors are treated as scalars (what exported models mean by them).
        return new NodeArg(name, type, (ValueKind)kind, (ElementType)elem, dims, names);
    }

    /// <summary>The onnxruntime type string of an OrtTypeInfo, recursing into sequences, maps and optionals.</summary>
    internal static unsafe string TypeString(nint typeInfo)
    {
        var api = Ort.Api;
        int kind;
        Ort.Check(api->GetOnnxTypeFromTypeInfo(typeInfo, &kind));
        switch ((ValueKind)kind)
        {
            case ValueKind.Tensor:
            case ValueKind.SparseTensor:
            {
                nint tensorInfo;
                int elem;
                Ort.Check(api->CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
                Ort.Check(api->GetTensorElementType(tensorInfo, &elem));
                string prefix = (ValueKind)kind == ValueKind.Tensor ? "tensor" : "sparse_tensor";
                return $"{prefix}({ElementTypes.Name((ElementType)elem)})";
            }
            case ValueKind.Sequence:
            {
                nint seq, inner;
                Ort.Check(api->CastTypeInfoToSequenceTypeInfo(typeInfo, &seq));
                Ort.Check(api->GetSequenceElementType(seq, &inner));
                try { return $"seq({TypeString(inner)})"; }
                finally { api->ReleaseTypeInfo(inner); }
            }
            case ValueKind.Map:
            {
                nint map, inner;
                int key;
                Ort.Check(api->CastTypeInfoToMapTypeInfo(typeInfo, &map));
                Ort.Check(api->GetMapKeyType(map, &key));
                Ort.Check(api->GetMapValueType(map, &inner));
                try { return $"map({ElementTypes.Name((ElementType)key)},{TypeString(inner)})"; }
                finally { api->ReleaseTypeInfo(inner); }
            }
            case ValueKind.Optional:
            {
                nint opt, inner;
                Ort.Check(api->CastTypeInfoToOptionalTypeInfo(typeInfo, &opt));
                Ort.Check(api->GetOptionalContainedTypeInfo(opt, &inner));
                try { return $"optional({TypeString(inner)})"; }
                finally { api->ReleaseTypeInfo(inner); }
            }
            case ValueKind.Opaque: return "opaque";
            default: return "unknown";
        }
    }
}

/// <summary>The model's metadata (ModelProto fields and metadata_props).</summary>
public sealed record ModelMetadata(
    string ProducerName, string GraphName, string Domain, string Description, string GraphDescription, long Version,
    IReadOnlyDictionary<string, string> CustomMetadataMap);
