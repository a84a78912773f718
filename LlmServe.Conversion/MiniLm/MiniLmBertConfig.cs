using LlmServe.Conversion.Safetensors;

namespace LlmServe.Conversion.MiniLm;

/// <summary>
/// The Hugging Face config.json of all-MiniLM-L6-v2. Sizes are read from the converted tensors (and every tensor
/// a BERT encoder needs is checked for presence and shape); the head count, epsilon and activation cannot be
/// seen in the weights and are the published model's values.
/// </summary>
internal static class MiniLmBertConfig
{
    private const int NumAttentionHeads = 12;
    private const double LayerNormEps = 1e-12;

    public static Dictionary<string, object> FromTensors(IReadOnlyDictionary<string, SafetensorsTensor> tensors, string source)
    {
        var words = Shape(tensors, "embeddings.word_embeddings.weight", source, 2);
        long vocab = words[0], hidden = words[1];
        var positions = Shape(tensors, "embeddings.position_embeddings.weight", source, 2)[0];
        var types = Shape(tensors, "embeddings.token_type_embeddings.weight", source, 2)[0];
        var intermediate = Shape(tensors, "encoder.layer.0.intermediate.dense.weight", source, 2)[0];
        var layers = 0;
        while (tensors.ContainsKey($"encoder.layer.{layers}.attention.self.query.weight"))
        {
            layers++;
        }
        if (layers == 0 || hidden % NumAttentionHeads != 0)
        {
            throw new InvalidDataException($"{source}: found {layers} encoder layers of width {hidden}; expected a BERT encoder with {NumAttentionHeads} heads.");
        }
        Expect(tensors, source, "embeddings.position_embeddings.weight", positions, hidden);
        Expect(tensors, source, "embeddings.token_type_embeddings.weight", types, hidden);
        Expect(tensors, source, "embeddings.LayerNorm.weight", hidden);
        Expect(tensors, source, "embeddings.LayerNorm.bias", hidden);
        for (var i = 0; i < layers; i++)
        {
            var p = $"encoder.layer.{i}.";
            foreach (var linear in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                Expect(tensors, source, $"{p}{linear}.weight", hidden, hidden);
                Expect(tensors, source, $"{p}{linear}.bias", hidden);
            }
            Expect(tensors, source, $"{p}intermediate.dense.weight", intermediate, hidden);
            Expect(tensors, source, $"{p}intermediate.dense.bias", intermediate);
            Expect(tensors, source, $"{p}output.dense.weight", hidden, intermediate);
            Expect(tensors, source, $"{p}output.dense.bias", hidden);
            foreach (var norm in new[] { "attention.output.LayerNorm", "output.LayerNorm" })
            {
                Expect(tensors, source, $"{p}{norm}.weight", hidden);
                Expect(tensors, source, $"{p}{norm}.bias", hidden);
            }
        }
        return new Dictionary<string, object>
        {
            ["architectures"] = new[] { "BertModel" },
            ["model_type"] = "bert",
            ["vocab_size"] = vocab,
            ["hidden_size"] = hidden,
            ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["intermediate_size"] = intermediate,
            ["hidden_act"] = "gelu",
            ["max_position_embeddings"] = positions,
            ["type_vocab_size"] = types,
            ["layer_norm_eps"] = LayerNormEps,
            ["pad_token_id"] = 0,
            ["position_embedding_type"] = "absolute",
            ["hidden_dropout_prob"] = 0.1,
            ["attention_probs_dropout_prob"] = 0.1,
            ["initializer_range"] = 0.02,
        };
    }

    private static long[] Shape(IReadOnlyDictionary<string, SafetensorsTensor> tensors, string name, string source, int rank) =>
        tensors.TryGetValue(name, out var t) && t.Shape.Length == rank ? t.Shape
        : throw new InvalidDataException($"{source}: no rank-{rank} tensor '{name}' after mapping.");

    private static void Expect(IReadOnlyDictionary<string, SafetensorsTensor> tensors, string source, string name, params long[] shape)
    {
        if (!tensors.TryGetValue(name, out var t))
        {
            throw new InvalidDataException($"{source}: tensor '{name}' is missing after mapping.");
        }
        if (!t.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException(
                $"{source}: tensor '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", shape)}].");
        }
    }
}
