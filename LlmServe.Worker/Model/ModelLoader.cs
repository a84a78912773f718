using LlmServe.Worker.Model.Gguf;
using LlmServe.Worker.Model.HuggingFace;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model;

/// <summary>Loads a model from a local reference: a .gguf file or a Hugging Face folder.</summary>
internal static class ModelLoader
{
    /// <param name="tensorParallelSize">Shards the network is split over (see <see cref="Llama.TensorParallel.ShardLayout"/>).</param>
    /// <param name="progress">Told after each decoder layer is loaded.</param>
    /// <param name="maxModelLen">The context the replica will serve (--max-model-len), 0 for the model's own; see <see cref="Llama.LlamaConfig.ForServedContext"/>.</param>
    public static LoadedModel Load(string reference, ScalarType dtype, int tensorParallelSize = 1, IProgress<LayerProgress>? progress = null,
        int maxModelLen = 0)
    {
        if (File.Exists(reference))
        {
            return reference.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
                ? GgufModelLoader.Load(reference, dtype, tensorParallelSize, progress, maxModelLen)
                : throw new NotSupportedException($"'{reference}' is not a .gguf file; pass a .gguf file or a Hugging Face folder.");
        }
        if (Directory.Exists(reference))
        {
            return HfModelLoader.Load(reference, dtype, tensorParallelSize, progress, maxModelLen);
        }
        throw new FileNotFoundException($"Model '{reference}' was not found: pass a .gguf file, a Hugging Face folder or a hub id (org/name).", reference);
    }

}
