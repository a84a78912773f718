using LlmServe.Conversion.Gguf;
using LlmServe.Worker.Model.Llama;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>
/// What the gemma, gemma2 and gemma3 GGUF architectures change in the Llama recipe, as llama.cpp reads them. The
/// converter already stored every norm as 1 + w; what the file does not say (which layers slide, Gemma 3's local
/// RoPE base, the query scale) follows llama.cpp's fixed rules.
/// </summary>
internal static class GgufGemmaTraits
{
    public static LlamaConfig Apply(LlamaConfig config, GgufFile file)
    {
        var arch = config.Architecture;
        if (!arch.StartsWith("gemma", StringComparison.Ordinal))
        {
            return config;
        }
        var gemma = config with
        {
            Activation = FeedForwardActivation.GeluTanh,
            EmbeddingScale = Math.Sqrt(config.HiddenSize),
            NormInFloat32 = true,
        };
        return arch switch
        {
            "gemma2" => gemma with
            {
                AttentionLogitSoftcap = Positive(file.Get($"{arch}.attn_logit_softcapping", 50.0)),
                FinalLogitSoftcap = Positive(file.Get($"{arch}.final_logit_softcapping", 30.0)),
                SlidingWindow = file.Get($"{arch}.attention.sliding_window", 4096),
                SlidingLayers = EveryLayerBut(config.NumLayers, 2),
                AttentionScale = LargestModelScale(config, layers: 46),
            },
            "gemma3" => gemma with
            {
                FinalLogitSoftcap = Positive(file.Get($"{arch}.final_logit_softcapping", 0.0)),
                SlidingWindow = file.Get($"{arch}.attention.sliding_window", 4096),
                SlidingLayers = EveryLayerBut(config.NumLayers, 6),
                LocalRopeTheta = 10000,
                AttentionScale = LargestModelScale(config, layers: 62),
            },
            _ => gemma,
        } is var traits && traits.SlidingWindow >= config.MaxPositionEmbeddings
            ? traits with { SlidingWindow = null, SlidingLayers = null }   // a window as long as the context masks nothing
            : traits;
    }

    /// <summary>A soft-cap of 0 or less means none, as llama.cpp reads it.</summary>
    internal static double? Positive(double cap) => cap > 0 ? cap : null;

    /// <summary>Every layer slides but each <paramref name="pattern"/>-th (indices pattern - 1, 2 pattern - 1, ...).</summary>
    private static bool[] EveryLayerBut(int layers, int pattern) => [.. Enumerable.Range(0, layers).Select(i => i % pattern < pattern - 1)];

    /// <summary>
    /// llama.cpp scales queries by (hidden / heads)^-0.5 for the 27B models (known by their layer count), whose
    /// query_pre_attn_scalar says so, and by head_dim^-0.5 otherwise; the file does not carry the scalar.
    /// </summary>
    private static double? LargestModelScale(LlamaConfig config, int layers) =>
        config.NumLayers == layers ? 1.0 / Math.Sqrt(config.HiddenSize / config.NumHeads) : null;
}
