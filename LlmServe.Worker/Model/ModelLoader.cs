using LlmServe.Worker.Model.Gguf;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model;

/// <summary>Resolves a model reference (a .gguf file or a Hugging Face folder) and loads it.</summary>
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
                $"'{reference}' is a folder; Hugging Face folder checkpoints are not supported by this build yet. Pass a .gguf file.");
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
