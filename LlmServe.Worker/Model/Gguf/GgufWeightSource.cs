using LlmServe.Conversion.Gguf;
using System.Runtime.InteropServices;
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
        var bytes = new byte[info.ByteSize];
        file.ReadBytes(info, bytes);
        using var scope = NewDisposeScope();
        Tensor raw = info.Type switch
        {
            GgmlType.F32 => FromBytes(bytes, shape, ScalarType.Float32),
            GgmlType.F16 => FromBytes(bytes, shape, ScalarType.Float16),
            GgmlType.BF16 => FromBytes(bytes, shape, ScalarType.BFloat16),
            var type when GgmlDequantizer.Supports(type) => torch.tensor(GgmlDequantizer.Dequantize(type, bytes, info.ElementCount), shape),
            _ => throw new NotSupportedException($"'{file.Path}': tensor '{name}' has unsupported type {info.Type}."),
        };
        return raw.to_type(dtype).contiguous().DetachFromDisposeScope();
    }

    private static Tensor FromBytes(byte[] bytes, long[] shape, ScalarType type)
    {
        var t = torch.empty(shape, type);
        t.bytes = bytes;
        return t;
    }
}
