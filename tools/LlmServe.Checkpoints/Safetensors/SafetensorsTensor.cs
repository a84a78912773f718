namespace LlmServe.Checkpoints.Safetensors;

/// <summary>A tensor to write: safetensors dtype ("F32", "F16", "BF16"), PyTorch-order shape, lazily produced bytes.</summary>
public sealed record SafetensorsTensor(string Name, string DType, long[] Shape, Func<byte[]> Data)
{
    public long ByteSize => Shape.Aggregate(1L, (a, b) => a * b) * (DType == "F32" ? 4 : 2);
}
