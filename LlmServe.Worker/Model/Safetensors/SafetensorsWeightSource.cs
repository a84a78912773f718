using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Safetensors;

/// <summary>
/// Loads tensors from a safetensors file by name; <paramref name="prefix"/> is prepended to every name, for
/// checkpoints saved from a wrapper module (BertForX saves its encoder under <c>bert.</c>).
/// </summary>
internal sealed class SafetensorsWeightSource(SafetensorsFile file, string prefix = "") : IWeightSource
{
    public string Source => file.Path;

    public bool Contains(string name) => file.Tensors.ContainsKey(prefix + name);

    public Tensor Load(string name, long[] expectedShape, ScalarType dtype)
    {
        var full = prefix + name;
        if (!file.Tensors.TryGetValue(full, out var info))
        {
            throw new InvalidDataException($"'{file.Path}' has no tensor '{full}'.");
        }
        if (!info.Shape.SequenceEqual(expectedShape))
        {
            throw new InvalidDataException(
                $"'{file.Path}': tensor '{full}' has shape [{string.Join(", ", info.Shape)}], expected [{string.Join(", ", expectedShape)}].");
        }
        var (type, size) = info.Dtype switch
        {
            "F32" => (ScalarType.Float32, 4),
            "F16" => (ScalarType.Float16, 2),
            "BF16" => (ScalarType.BFloat16, 2),
            _ => throw new NotSupportedException($"'{file.Path}': tensor '{full}' has unsupported dtype {info.Dtype} (F32, F16 or BF16)."),
        };
        var count = info.Shape.Aggregate(1L, (a, b) => a * b);
        if (info.End - info.Begin != count * size)
        {
            throw new InvalidDataException($"'{file.Path}': tensor '{full}' holds {info.End - info.Begin} bytes, expected {count * size}.");
        }
        using var scope = NewDisposeScope();
        var raw = TensorReader.Read(info.Shape, type, info.End - info.Begin, (offset, into) => file.ReadBytes(info, offset, into));
        return raw.to_type(dtype).contiguous().DetachFromDisposeScope();
    }
}
