using LlmServe.Checkpoints.Random;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// Random-weight GGUF checkpoints of the architectures that need the extended loader against llama.cpp:
/// Llama 3 (rope_freqs per-pair divisors), Qwen2 (q/k/v biases, NEOX RoPE, tied embeddings) and Qwen3
/// (per-head q/k norms, head_dim independent of hidden size), Phi-3 (fused q/k/v and gate/up, optionally RoPE on
/// part of each head), Gemma 1/2/3 (GeGLU, scaled embeddings, sandwich norms, soft-capping, sliding windows, Gemma 3's
/// local RoPE base), Granite (embedding, attention, residual and logit scalars), Mixtral and Qwen3-MoE (mixtures of
/// experts), and RoPE scaling read from GGUF metadata (linear on Llama, YaRN on Qwen2).
/// </summary>
[Trait(OracleTraits.Requires, OracleTraits.LoaderMerge)]
public sealed class ExtendedArchitectureOracleTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    public static TheoryData<string> Architectures => ["llama3", "qwen2", "qwen3", "llama-linear", "qwen2-yarn", "phi3", "phi3-partial", "gemma", "gemma2", "gemma3", "phi3-longrope", "phi3-longrope-short", "mixtral", "qwen3moe", "granite"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Forward_Prompts_LastLogitsMatchLlamaCpp(string name) =>
        RandomCheckpointChecks.LastLogitsMatchLlamaCpp(files.Gguf(name));

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Greedy_32Tokens_TokenIdenticalToLlamaCpp(string name) =>
        RandomCheckpointChecks.GreedyMatchesLlamaCpp(files.Gguf(name));

    /// <summary>
    /// The scaling must visibly change llama.cpp's output (same weights without it), so the comparisons above fail
    /// when a loader ignores the <c>rope.scaling.*</c> keys.
    /// </summary>
    [Theory]
    [InlineData("llama-linear")]
    [InlineData("qwen2-yarn")]
    [InlineData("phi3-longrope")]
    [InlineData("phi3-longrope-short")]
    public void RopeScaling_ChangesLlamaCppLogits(string name) =>
        AssertFeatureMatters(name, "unscaled", OracleSpecs.Get(name) with { RopeScaling = null });

    /// <summary>Likewise each Gemma feature and Granite's scalars: without them llama.cpp computes something else.</summary>
    [Theory]
    [InlineData("gemma2", "no-window")]
    [InlineData("gemma2", "no-attention-cap")]
    [InlineData("gemma2", "no-logit-cap")]
    [InlineData("gemma3", "no-window")]
    [InlineData("gemma3", "unscaled")]
    [InlineData("granite", "plain")]
    public void FamilyFeature_ChangesLlamaCppLogits(string name, string without)
    {
        var spec = OracleSpecs.Get(name);
        AssertFeatureMatters(name, without, without switch
        {
            "no-window" => spec with { SlidingWindow = 4096 },
            "no-attention-cap" => spec with { AttentionLogitSoftcap = 1e6 },
            "no-logit-cap" => spec with { FinalLogitSoftcap = 1e6 },
            "plain" => spec with { Granite = new GraniteSpec(1, 1 / Math.Sqrt(32), 1, 1) },
            _ => spec with { RopeScaling = null },
        });
    }

    private void AssertFeatureMatters(string name, string without, RandomCheckpointSpec withoutSpec)
    {
        using var with = new LlamaCppOracle(files.Gguf(name));
        using var plain = new LlamaCppOracle(files.Gguf($"{name}-{without}", withoutSpec));
        var tokens = with.Tokenize(OracleSpecs.Prompts[1], addBos: true);

        var difference = OracleAssert.RelativeL2(plain.LastLogits(tokens), with.LastLogits(tokens));

        Assert.True(difference > 10 * RandomCheckpointChecks.LogitsTolerance, $"{name} {without}: llama.cpp's logits moved by only {difference:E3}.");
    }
}
