using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>
/// Loads tensors from <c>model.safetensors</c> or a sharded set described by <c>model.safetensors.index.json</c>.
/// </summary>
internal sealed class HfWeightSource : IWeightSource, IDisposable
{
    private readonly Dictionary<string, SafetensorsFile> _byTensor = new(StringComparer.Ordinal);
    private readonly List<SafetensorsFile> _files = [];

    private readonly string _modelType;

    /// <param name="modelType">config.json's model_type, which decides a few tensor names (see <see cref="HfTensorNames"/>).</param>
    public HfWeightSource(string folder, string modelType = "llama")
    {
        Source = folder;
        _modelType = modelType;
        var single = Path.Combine(folder, "model.safetensors");
        var index = Path.Combine(folder, "model.safetensors.index.json");
        IEnumerable<string> shards = File.Exists(single) ? [single]
            : File.Exists(index) ? ReadShardNames(index).Select(s => Path.Combine(folder, s))
            : throw new FileNotFoundException($"'{folder}' has neither model.safetensors nor model.safetensors.index.json.");
        foreach (var shard in shards)
        {
            if (!File.Exists(shard))
            {
                throw new FileNotFoundException($"Shard '{shard}' listed in the index is missing.", shard);
            }
            var file = SafetensorsFile.Open(shard);
            _files.Add(file);
            foreach (var name in file.Tensors.Keys)
            {
                _byTensor[name] = file;
            }
        }
    }

    public string Source { get; }

    public bool Contains(string name) => HfTensorNames.ToHf(name, _modelType) is { } hf && _byTensor.ContainsKey(hf);

    public Tensor Load(string name, long[] expectedShape, ScalarType dtype)
    {
        if (expectedShape.Length == 3 && HfTensorNames.ToHfExpert(name, _modelType, 0) is not null)
        {
            return LoadExperts(name, expectedShape, dtype);
        }
        return LoadNamed(HfTensorNames.ToHf(name, _modelType) ?? name, expectedShape, dtype);
    }

    private Tensor LoadNamed(string hf, long[] expectedShape, ScalarType dtype)
    {
        if (!_byTensor.TryGetValue(hf, out var file))
        {
            throw new InvalidDataException($"'{Source}' has no tensor '{hf}'.");
        }
        var info = file.Tensors[hf];
        if (!info.Shape.SequenceEqual(expectedShape))
        {
            throw new InvalidDataException(
                $"'{file.Path}': tensor '{hf}' has shape [{string.Join(", ", info.Shape)}], expected [{string.Join(", ", expectedShape)}].");
        }
        var type = info.DType switch
        {
            "F32" => ScalarType.Float32,
            "F16" => ScalarType.Float16,
            "BF16" => ScalarType.BFloat16,
            _ => throw new NotSupportedException($"'{file.Path}': tensor '{hf}' has dtype {info.DType} (F32, F16 and BF16 are supported)."),
        };
        using var scope = NewDisposeScope();
        var raw = TensorReader.Read(info.Shape, type, info.ByteSize, (offset, into) => file.ReadBytes(info, offset, into));
        return raw.to_type(dtype).contiguous().DetachFromDisposeScope();
    }

    /// <summary>A stacked expert tensor (E, rows, cols) from the checkpoint's one matrix per expert.</summary>
    private Tensor LoadExperts(string name, long[] expectedShape, ScalarType dtype)
    {
        var experts = new Tensor[expectedShape[0]];
        try
        {
            for (var e = 0; e < experts.Length; e++)
            {
                experts[e] = LoadNamed(HfTensorNames.ToHfExpert(name, _modelType, e)!, expectedShape[1..], dtype);
            }
            return torch.stack(experts);                                      // (E, rows, cols)
        }
        finally
        {
            foreach (var t in experts)
            {
                t?.Dispose();
            }
        }
    }

    private static IEnumerable<string> ReadShardNames(string index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(index));
        return doc.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()!).Distinct().ToList();
    }

    public void Dispose()
    {
        foreach (var f in _files)
        {
            f.Dispose();
        }
    }
}
