namespace LlmServe.Conversion.Onnx;

/// <summary>
/// An ONNX initializer. Only float32 tensors carry their values (<see cref="Data"/>); the others (int64 shape
/// constants and the like) keep just their name, type and dims, which is all a weight converter needs of them.
/// </summary>
internal sealed record OnnxTensor(string Name, int DataType, long[] Dims, float[]? Data)
{
    /// <summary>TensorProto.DataType.FLOAT.</summary>
    public const int Float = 1;

    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);
}
