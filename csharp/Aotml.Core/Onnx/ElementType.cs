namespace Aotml.Onnx;

/// <summary>ONNXTensorElementDataType: the element type of a tensor (values are the C enum's).</summary>
public enum ElementType
{
    /// <summary>ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED</summary>
    Undefined = 0,
    /// <summary>float</summary>
    Float = 1,
    /// <summary>uint8_t</summary>
    UInt8 = 2,
    /// <summary>int8_t</summary>
    Int8 = 3,
    /// <summary>uint16_t</summary>
    UInt16 = 4,
    /// <summary>int16_t</summary>
    Int16 = 5,
    /// <summary>int32_t</summary>
    Int32 = 6,
    /// <summary>int64_t</summary>
    Int64 = 7,
    /// <summary>std::string inside ORT; UTF-8 across the boundary</summary>
    String = 8,
    /// <summary>bool, one byte</summary>
    Bool = 9,
    /// <summary>IEEE half</summary>
    Float16 = 10,
    /// <summary>double</summary>
    Double = 11,
    /// <summary>uint32_t</summary>
    UInt32 = 12,
    /// <summary>uint64_t</summary>
    UInt64 = 13,
    /// <summary>two floats</summary>
    Complex64 = 14,
    /// <summary>two doubles</summary>
    Complex128 = 15,
    /// <summary>bfloat16, exchanged as its uint16 bit pattern</summary>
    BFloat16 = 16,
    /// <summary>float8 e4m3fn</summary>
    Float8E4M3FN = 17,
    /// <summary>float8 e4m3fnuz</summary>
    Float8E4M3FNUZ = 18,
    /// <summary>float8 e5m2</summary>
    Float8E5M2 = 19,
    /// <summary>float8 e5m2fnuz</summary>
    Float8E5M2FNUZ = 20,
    /// <summary>packed uint4</summary>
    UInt4 = 21,
    /// <summary>packed int4</summary>
    Int4 = 22,
}

/// <summary>ONNXType: what kind of value an OrtValue or a graph input holds.</summary>
public enum ValueKind
{
    /// <summary>ONNX_TYPE_UNKNOWN</summary>
    Unknown = 0,
    /// <summary>ONNX_TYPE_TENSOR</summary>
    Tensor = 1,
    /// <summary>ONNX_TYPE_SEQUENCE</summary>
    Sequence = 2,
    /// <summary>ONNX_TYPE_MAP</summary>
    Map = 3,
    /// <summary>ONNX_TYPE_OPAQUE</summary>
    Opaque = 4,
    /// <summary>ONNX_TYPE_SPARSETENSOR</summary>
    SparseTensor = 5,
    /// <summary>ONNX_TYPE_OPTIONAL</summary>
    Optional = 6,
}

/// <summary>Names and sizes of element types, as onnxruntime's Python API spells them.</summary>
public static class ElementTypes
{
    /// <summary>Bytes per element; 0 for strings and packed sub-byte types.</summary>
    public static int Size(ElementType t) => t switch
    {
        ElementType.Float or ElementType.Int32 or ElementType.UInt32 => 4,
        ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 1,
        ElementType.Float8E4M3FN or ElementType.Float8E4M3FNUZ or ElementType.Float8E5M2 or ElementType.Float8E5M2FNUZ => 1,
        ElementType.UInt16 or ElementType.Int16 or ElementType.Float16 or ElementType.BFloat16 => 2,
        ElementType.Int64 or ElementType.Double or ElementType.UInt64 or ElementType.Complex64 => 8,
        ElementType.Complex128 => 16,
        _ => 0,
    };

    /// <summary>The ONNX name of the element type: "float", "int64", "string", ...</summary>
    public static string Name(ElementType t) => t switch
    {
        ElementType.Float => "float",
        ElementType.UInt8 => "uint8",
        ElementType.Int8 => "int8",
        ElementType.UInt16 => "uint16",
        ElementType.Int16 => "int16",
        ElementType.Int32 => "int32",
        ElementType.Int64 => "int64",
        ElementType.String => "string",
        ElementType.Bool => "bool",
        ElementType.Float16 => "float16",
        ElementType.Double => "double",
        ElementType.UInt32 => "uint32",
        ElementType.UInt64 => "uint64",
        ElementType.Complex64 => "complex64",
        ElementType.Complex128 => "complex128",
        ElementType.BFloat16 => "bfloat16",
        ElementType.Float8E4M3FN => "float8e4m3fn",
        ElementType.Float8E4M3FNUZ => "float8e4m3fnuz",
        ElementType.Float8E5M2 => "float8e5m2",
        ElementType.Float8E5M2FNUZ => "float8e5m2fnuz",
        ElementType.UInt4 => "uint4",
        ElementType.Int4 => "int4",
        _ => $"element type {(int)t}",
    };

    /// <summary>The numpy dtype name a caller passes for this element type (bfloat16 travels as uint16).</summary>
    public static string NumpyName(ElementType t) => t switch
    {
        ElementType.Float => "float32",
        ElementType.Double => "float64",
        ElementType.String => "str",
        ElementType.BFloat16 => "uint16 (bfloat16 bit patterns)",
        _ => Name(t),
    };
}
