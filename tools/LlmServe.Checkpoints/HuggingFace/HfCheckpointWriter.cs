using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmServe.Checkpoints.Random;
using LlmServe.Checkpoints.Safetensors;
using LlmServe.Checkpoints.Vocab;

namespace LlmServe.Checkpoints.HuggingFace;

/// <summary>
/// Writes a random checkpoint as a Hugging Face folder: config.json, generation_config.json, tokenizer.json,
/// tokenizer_config.json and model.safetensors (or shards plus model.safetensors.index.json).
/// </summary>
public static class HfCheckpointWriter
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Keep "▁" and other pieces readable instead of \uXXXX escapes; these files are not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(RandomCheckpointSpec spec, string directory, Vocabulary vocabulary)
    {
        var plan = RandomCheckpoint.Plan(spec);
        if (vocabulary.Size != spec.VocabSize)
        {
            throw new ArgumentException($"The vocabulary has {vocabulary.Size} tokens, the spec {spec.VocabSize}.", nameof(vocabulary));
        }
        Directory.CreateDirectory(directory);
        WriteJson(directory, "config.json", HfConfigFiles.Config(spec, vocabulary));
        WriteJson(directory, "generation_config.json", HfConfigFiles.GenerationConfig(vocabulary));
        WriteJson(directory, "tokenizer.json", HfTokenizerFiles.TokenizerJson(vocabulary));
        WriteJson(directory, "tokenizer_config.json", HfTokenizerFiles.TokenizerConfig(vocabulary, spec.MaxPositionEmbeddings));
        var dtype = TensorEncoding.SafetensorsName(spec.DType);
        var tensors = plan
            .Select(t => new SafetensorsTensor(t.HfName, dtype, t.Shape, () => TensorEncoding.Encode(RandomCheckpoint.Values(spec, t), spec.DType)))
            .ToList();
        ShardedSafetensorsWriter.Write(directory, tensors, spec.ShardSizeBytes);
    }

    private static void WriteJson(string directory, string name, JsonNode node) =>
        File.WriteAllText(Path.Combine(directory, name), node.ToJsonString(Indented) + "\n");
}
