namespace LlmServe.Conversion.Gguf;

/// <summary>
/// One tensor's directory entry. <see cref="Dimensions"/> are in ggml order (ne0 first, the fastest-varying
/// axis), so a 2-D weight with ne0 = in and ne1 = out is a row-major (out, in) matrix.
/// </summary>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, long Offset)
{
    public long ElementCount => Dimensions.Aggregate(1L, (a, d) => a * d);

    /// <summary>The shape in PyTorch's row-major order (ne reversed).</summary>
    public long[] TorchShape => Dimensions.Reverse().ToArray();

    public long ByteSize => Type switch
    {
        GgmlType.F32 => ElementCount * 4,
        GgmlType.F16 or GgmlType.BF16 => ElementCount * 2,
        GgmlType.Q8_0 => ElementCount / 32 * 34,
        _ => throw new NotSupportedException($"GGUF tensor '{Name}' has type {Type}, which is not supported (F32, F16, BF16, Q8_0 are)."),
    };
}
