using LlmServe.Conversion.Gguf;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>Loads tensors from a GGUF file, dequantizing quantized ones (see <see cref="GgmlDequantizer"/>) on load.</summary>
internal sealed class GgufWeightSource(GgufFile file) : IWeightSource
{
    public string Source => file.Path;

    public bool Contains(string name) => file.Tensors.ContainsKey(name);

    public Tensor Load(string name, long[] expectedShape, ScalarType dtype)
    {
        if (!file.Tensors.TryGetValue(name, out var info))
        {
            throw new InvalidDataException($"'{file.Path}' has no tensor '{name}'.");
        }
        var shape = info.TorchShape;
        if (!shape.SequenceEqual(expectedShape))
        {
            throw new InvalidDataException(
                $"'{file.Path}': tensor '{name}' has shape [{string.Join(", ", shape)}], expected [{string.Join(", ", expectedShape)}].");
        }
        using var scope = NewDisposeScope();
        Tensor raw = info.Type switch
        {
            GgmlType.F32 => Direct(info, shape, ScalarType.Float32),
            GgmlType.F16 => Direct(info, shape, ScalarType.Float16),
            GgmlType.BF16 => Direct(info, shape, ScalarType.BFloat16),
            var type when GgmlDequantizer.Supports(type) => Dequantized(info, shape),
            _ => throw new NotSupportedException($"'{file.Path}': tensor '{name}' has unsupported type {info.Type}."),
        };
        return raw.to_type(dtype).contiguous().DetachFromDisposeScope();
    }

    /// <summary>An unquantized tensor, read straight into its storage.</summary>
    private Tensor Direct(GgufTensorInfo info, long[] shape, ScalarType type) =>
        TensorReader.Read(shape, type, info.ByteSize, (offset, into) => file.ReadBytes(info, offset, into));

    /// <summary>A quantized tensor decoded to float32 straight into a new tensor's storage.</summary>
    private unsafe Tensor Dequantized(GgufTensorInfo info, long[] shape)
    {
        var blocks = new byte[info.ByteSize];
        file.ReadBytes(info, blocks);
        return TensorReader.Fill(shape, ScalarType.Float32, info.ElementCount * sizeof(float),
            address => GgmlDequantizer.Dequantize(info.Type, blocks, info.ElementCount, (float*)address));
    }
}
