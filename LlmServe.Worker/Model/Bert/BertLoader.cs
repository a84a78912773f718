using LlmServe.Worker.Model.Safetensors;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Bert;

/// <summary>Loads a Hugging Face BERT folder (config.json + model.safetensors, optionally sentence-transformers modules).</summary>
internal static class BertLoader
{
    public const string WeightsFile = "model.safetensors";

    public static SentenceEncoder Load(string folder, ScalarType dtype)
    {
        var config = BertConfig.Load(Path.Combine(folder, "config.json"));
        var weightsPath = Path.Combine(folder, WeightsFile);
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException(
                $"'{folder}' has no {WeightsFile} (PyTorch .bin checkpoints are not supported: convert them to safetensors).", weightsPath);
        }
        using var file = SafetensorsFile.Open(weightsPath);
        // Task-head checkpoints (BertForMaskedLM, ...) keep the encoder under "bert."; bare BertModel saves have no prefix.
        var prefix = file.Tensors.ContainsKey("bert.embeddings.word_embeddings.weight") ? "bert." : "";
        var network = new BertModel(config, new SafetensorsWeightSource(file, prefix), dtype);
        return new SentenceEncoder(network, SentenceEmbeddingConfig.Load(folder));
    }
}
