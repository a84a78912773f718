using LlmServe.Checkpoints;
using LlmServe.Worker.Model;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// The same random weights written as a Hugging Face folder and as GGUF load to the same model in our loader:
/// this checks the HF path (names, rotate-half RoPE, config.json, sharding) against the GGUF path, which the other
/// oracle tests check against llama.cpp.
/// </summary>
[Trait(OracleTraits.Requires, OracleTraits.LoaderMerge)]
public sealed class HfFolderParityTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    /// <summary>Same numbers, different RoPE pairing and summation order: only float32 rounding may differ.</summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Architectures => ["llama", "llama3", "mistral", "qwen2", "qwen3", "llama-linear", "qwen2-yarn", "phi3", "phi3-partial", "gemma", "gemma2", "gemma3", "phi3-longrope", "phi3-longrope-short", "mixtral", "qwen3moe", "granite"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void HfFolder_LoadsToSameLogitsAndTokensAsGguf(string name) =>
        AssertSameModel(files.HuggingFace(name), files.Gguf(name));

    [Fact]
    public void ShardedHfFolder_LoadsLikeGguf()
    {
        var spec = OracleSpecs.Get("llama") with { ShardSizeBytes = 200_000 };
        var folder = files.HuggingFace("llama-sharded", spec);
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors.index.json")));

        AssertSameModel(folder, files.Gguf("llama"));
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("gemma3")]
    public void Bf16HfFolder_LoadsLikeBf16Gguf(string name)
    {
        var spec = OracleSpecs.Get(name) with { DType = CheckpointDType.BF16 };

        AssertSameModel(files.HuggingFace($"{name}-bf16", spec), files.Gguf($"{name}-bf16", spec));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void HfFolder_Tokenizer_EncodesLikeGguf(string name)
    {
        using var hf = ModelLoader.Load(files.HuggingFace(name), ScalarType.Float32);
        using var gguf = ModelLoader.Load(files.Gguf(name), ScalarType.Float32);

        foreach (var prompt in OracleSpecs.Prompts)
        {
            Assert.Equal(gguf.Tokenizer.Encode(prompt, addSpecial: true), hf.Tokenizer.Encode(prompt, addSpecial: true));
        }
    }

    private static void AssertSameModel(string hfFolder, string ggufPath)
    {
        using var hf = ModelLoader.Load(hfFolder, ScalarType.Float32);
        using var gguf = ModelLoader.Load(ggufPath, ScalarType.Float32);
        foreach (var prompt in OracleSpecs.Prompts)
        {
            var tokens = gguf.Tokenizer.Encode(prompt, addSpecial: true);
            var error = OracleAssert.RelativeL2(WorkerRun.LastLogits(hf.Network, tokens), WorkerRun.LastLogits(gguf.Network, tokens));
            Assert.True(error < Tolerance, $"'{prompt}': HF folder vs GGUF logits differ by {error:E3}.");
        }
        var prompt0 = gguf.Tokenizer.Encode(OracleSpecs.Prompts[0], addSpecial: true);
        OracleAssert.SameTokens(WorkerRun.Greedy(gguf.Network, prompt0, RandomCheckpointChecks.GreedyTokens),
            WorkerRun.Greedy(hf.Network, prompt0, RandomCheckpointChecks.GreedyTokens), "HF folder vs GGUF greedy");
    }
}
