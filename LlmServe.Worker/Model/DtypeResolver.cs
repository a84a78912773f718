using System.Text.Json;
using LlmServe.Conversion.Gguf;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model;

/// <summary>
/// <c>--dtype</c>: float32, bfloat16, or auto (the default, as in vLLM): the checkpoint's own precision, so a bf16 or
/// quantized checkpoint is served in bf16 rather than doubled to float32, and a float32 one stays exact. float16
/// checkpoints run in bf16 (CPU kernels have no fast float16 path).
/// </summary>
internal static class DtypeResolver
{
    public static ScalarType Resolve(string requested, string modelPath) => requested.ToLowerInvariant() switch
    {
        "float32" or "fp32" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "auto" => OfCheckpoint(modelPath),
        _ => throw new ArgumentException($"Unsupported dtype '{requested}' (auto, float32 or bfloat16)."),
    };

    /// <summary>Float32 for float32 checkpoints, bfloat16 for every other (bf16, f16, quantized).</summary>
    public static ScalarType OfCheckpoint(string modelPath) =>
        (File.Exists(modelPath) ? GgufIsFloat32(modelPath) : HfIsFloat32(modelPath)) ? ScalarType.Float32 : ScalarType.BFloat16;

    /// <summary>GGUF: general.file_type 0 (all F32), or when the file does not say, its first matrix's type.</summary>
    private static bool GgufIsFloat32(string path)
    {
        using var file = GgufFile.Open(path);
        if (file.Metadata.ContainsKey("general.file_type"))
        {
            return file.Get("general.file_type", 0u) == 0;
        }
        var matrix = file.Tensors.Values.FirstOrDefault(t => t.TorchShape.Length >= 2);
        return matrix is null || matrix.Type == GgmlType.F32;
    }

    /// <summary>Hugging Face: config.json's torch_dtype (dtype in newer transformers); float32 when it says nothing.</summary>
    private static bool HfIsFloat32(string folder)
    {
        var config = Path.Combine(folder, "config.json");
        if (!File.Exists(config))
        {
            return true;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(config));
        foreach (var key in new[] { "torch_dtype", "dtype" })
        {
            if (doc.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString() is "float32" or "float";
            }
        }
        return true;
    }
}
