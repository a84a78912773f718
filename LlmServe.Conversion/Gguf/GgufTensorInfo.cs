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

    public long ByteSize => GgmlBlocks.Of(Type) is { } block
        ? Dimensions.Length > 0 && Dimensions[0] % block.Elements != 0
            ? throw new InvalidDataException(
                $"GGUF tensor '{Name}' of type {Type} has rows of {Dimensions[0]} values, not a whole number of its {block.Elements}-value blocks.")
            : ElementCount / block.Elements * block.Bytes
        : throw new NotSupportedException(
            $"GGUF tensor '{Name}' has type {Type}, which is not supported ({string.Join(", ", GgmlBlocks.Supported)} are).");
}
