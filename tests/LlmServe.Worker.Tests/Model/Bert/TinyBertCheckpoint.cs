using System.Text.Json;
using LlmServe.Conversion.Safetensors;

namespace LlmServe.Worker.Tests.Model.Bert;

/// <summary>Writes a small random-weight BERT in Hugging Face layout, with tensors optionally renamed, left out or misshaped.</summary>
internal static class TinyBertCheckpoint
{
    public const int Vocab = 20, Hidden = 8, Layers = 2, Heads = 2, Intermediate = 16, Positions = 16;

    public static void Write(string folder, string prefix = "", string? omit = null, string? misshape = null)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(new
        {
            architectures = new[] { "BertModel" }, model_type = "bert", vocab_size = Vocab, hidden_size = Hidden,
            num_hidden_layers = Layers, num_attention_heads = Heads, intermediate_size = Intermediate,
            max_position_embeddings = Positions, type_vocab_size = 2, layer_norm_eps = 1e-12, hidden_act = "gelu",
        }));
        var random = new Random(7);
        var tensors = Shapes()
            .Where(p => p.Name != omit)
            .Select(p => p.Name == misshape ? (p.Name, Shape: p.Shape.Append(1).ToArray()) : p)
            .Select(p => new SafetensorsTensor(prefix + p.Name, p.Shape,
                [.. Enumerable.Range(0, (int)p.Shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() - 0.5))]));
        using var file = File.Create(Path.Combine(folder, "model.safetensors"));
        SafetensorsWriter.Write(file, tensors);
    }

    private static IEnumerable<(string Name, long[] Shape)> Shapes()
    {
        yield return ("embeddings.word_embeddings.weight", [Vocab, Hidden]);
        yield return ("embeddings.position_embeddings.weight", [Positions, Hidden]);
        yield return ("embeddings.token_type_embeddings.weight", [2, Hidden]);
        yield return ("embeddings.LayerNorm.weight", [Hidden]);
        yield return ("embeddings.LayerNorm.bias", [Hidden]);
        for (var i = 0; i < Layers; i++)
        {
            var p = $"encoder.layer.{i}.";
            foreach (var linear in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                yield return ($"{p}{linear}.weight", [Hidden, Hidden]);
                yield return ($"{p}{linear}.bias", [Hidden]);
            }
            yield return ($"{p}intermediate.dense.weight", [Intermediate, Hidden]);
            yield return ($"{p}intermediate.dense.bias", [Intermediate]);
            yield return ($"{p}output.dense.weight", [Hidden, Intermediate]);
            yield return ($"{p}output.dense.bias", [Hidden]);
            foreach (var norm in new[] { "attention.output.LayerNorm", "output.LayerNorm" })
            {
                yield return ($"{p}{norm}.weight", [Hidden]);
                yield return ($"{p}{norm}.bias", [Hidden]);
            }
        }
    }
}
