using LlmServe.Worker.Model.Gguf;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model;

/// <summary>Loads a generative model from a resolved path (see <see cref="ModelResolver"/>): today, a .gguf file.</summary>
internal static class ModelLoader
{
    public static LoadedModel Load(string reference, ScalarType dtype)
    {
        if (File.Exists(reference) && reference.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            return GgufModelLoader.Load(reference, dtype);
        }
        if (Directory.Exists(reference))
        {
            throw new NotSupportedException(
                $"'{reference}' is a folder of a generative model; this build loads generative models from .gguf files only " +
                "(Hugging Face folders are supported for BERT-family embedding models).");
        }
        throw new FileNotFoundException($"Model '{reference}' was not found: pass a .gguf file path.", reference);
    }

    public static ScalarType ParseDtype(string dtype) => dtype.ToLowerInvariant() switch
    {
        "float32" or "fp32" or "auto" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"Unsupported dtype '{dtype}' (float32 or bfloat16)."),
    };
}
