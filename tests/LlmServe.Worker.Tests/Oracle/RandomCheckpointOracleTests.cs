using LlmServe.Checkpoints;
using LlmServe.Checkpoints.Random;
using LlmServe.Checkpoints.Vocab;
using LlmServe.Worker.Model;
using LlmServe.Worker.Model.Llama;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// Random-weight GGUF checkpoints of the architectures this branch's loader supports (GGUF arch "llama", which
/// llama.cpp's converter also uses for Mistral) against llama.cpp, plus checks that the written files are
/// sensitive to what the tests claim to cover.
/// </summary>
public sealed class RandomCheckpointOracleTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    public static TheoryData<string> Architectures => ["llama", "mistral"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Forward_Prompts_LastLogitsMatchLlamaCpp(string name) =>
        RandomCheckpointChecks.LastLogitsMatchLlamaCpp(files.Gguf(name));

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Greedy_32Tokens_TokenIdenticalToLlamaCpp(string name) =>
        RandomCheckpointChecks.GreedyMatchesLlamaCpp(files.Gguf(name));

    /// <summary>
    /// Every architecture the tool writes loads in llama.cpp and gives finite logits that depend on the prompt; the
    /// comparison with our loader for llama3/qwen2/qwen3 is in <see cref="ExtendedArchitectureOracleTests"/>.
    /// </summary>
    [Theory]
    [InlineData("llama")]
    [InlineData("llama3")]
    [InlineData("mistral")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    public void Gguf_EveryArchitecture_RunsInLlamaCpp(string name)
    {
        using var oracle = new LlamaCppOracle(files.Gguf(name));

        var first = oracle.LastLogits(oracle.Tokenize(OracleSpecs.Prompts[0], addBos: true));
        var second = oracle.LastLogits(oracle.Tokenize(OracleSpecs.Prompts[1], addBos: true));

        Assert.Equal(OracleSpecs.Get(name).VocabSize, first.Length);
        Assert.All(first, v => Assert.True(float.IsFinite(v)));
        Assert.True(OracleAssert.RelativeL2(first, second) > 1e-2);
    }

    /// <summary>
    /// Without a donor vocabulary the tool writes a synthetic one (control, byte and filler pieces) of any size;
    /// llama.cpp must accept it and tokenize it as our tokenizer does, or benchmarks at real vocab sizes break.
    /// </summary>
    [Fact]
    public void Gguf_SyntheticVocabulary_TokenizesAndRunsLikeLlamaCpp()
    {
        var spec = OracleSpecs.Get("llama") with { VocabSize = 1000 };
        var path = files.Gguf("llama-synthetic-vocab", spec, Vocabulary.Synthetic(1000));
        using var model = ModelLoader.Load(path, ScalarType.Float32);
        using var oracle = new LlamaCppOracle(path);
        const string text = "Once upon a time: 42 é 😀";

        var tokens = oracle.Tokenize(text, addBos: true);

        Assert.Equal(tokens, model.Tokenizer.Encode(text, addSpecial: true));
        Assert.Equal(1000, oracle.VocabSize);
        OracleAssert.LogitsClose(WorkerRun.LastLogits(model.Network, tokens), oracle.LastLogits(tokens), 1e-3, "synthetic vocabulary");
    }

    /// <summary>
    /// The GGUF's permuted q/k under adjacent-pair RoPE must equal the generator's HF-layout q/k under rotate-half
    /// RoPE: this checks the writer's permutation against the Worker's own rotate-half path, which llama.cpp
    /// cannot (it only ever sees the permuted file).
    /// </summary>
    [Theory]
    [MemberData(nameof(Architectures))]
    public void GgufPermutedQk_EqualsRotateHalfOnHfLayout(string name)
    {
        var spec = OracleSpecs.Get(name);
        using var gguf = ModelLoader.Load(files.Gguf(name), ScalarType.Float32);
        var config = gguf.Network.Config with { RopeInterleaved = false };
        using var hfLayout = new LlamaModel(config, new PlannedWeightSource(spec), ScalarType.Float32);

        foreach (var prompt in OracleSpecs.Prompts)
        {
            var tokens = gguf.Tokenizer.Encode(prompt, addSpecial: true);
            var error = OracleAssert.RelativeL2(WorkerRun.LastLogits(hfLayout, tokens), WorkerRun.LastLogits(gguf.Network, tokens));
            Assert.True(error < 1e-5, $"'{prompt}': rotate-half on HF layout vs adjacent pairs on the GGUF differ by {error:E3}.");
        }
    }

    /// <summary>
    /// The llama3 variant's rope_freqs must visibly change llama.cpp's output (same weights, no scaling), so that
    /// the llama3 comparison can fail when a loader ignores the scaling.
    /// </summary>
    [Fact]
    public void Llama3RopeFreqs_ChangeLlamaCppLogits()
    {
        var unscaled = OracleSpecs.Get("llama3") with { Architecture = CheckpointArchitecture.Llama, RopeTheta = 500000 };
        using var scaled = new LlamaCppOracle(files.Gguf("llama3"));
        using var plain = new LlamaCppOracle(files.Gguf("llama3-unscaled", unscaled));
        var tokens = scaled.Tokenize(OracleSpecs.Prompts[1], addBos: true);

        var difference = OracleAssert.RelativeL2(plain.LastLogits(tokens), scaled.LastLogits(tokens));

        Assert.True(difference > 10 * RandomCheckpointChecks.LogitsTolerance, $"rope_freqs changed llama.cpp's logits by only {difference:E3}.");
    }

    /// <summary>F16/BF16 files load in both runtimes; llama.cpp computes in reduced precision, so the bound is loose.</summary>
    [Theory]
    [InlineData(CheckpointDType.F16)]
    [InlineData(CheckpointDType.BF16)]
    public void LowPrecisionGguf_LoadsInBothRuntimes_LogitsAgree(CheckpointDType dtype)
    {
        var path = files.Gguf($"llama-{dtype}", OracleSpecs.Get("llama") with { DType = dtype });
        using var model = ModelLoader.Load(path, ScalarType.Float32);
        using var oracle = new LlamaCppOracle(path);
        var tokens = oracle.Tokenize(OracleSpecs.Prompts[1], addBos: true);

        OracleAssert.LogitsClose(WorkerRun.LastLogits(model.Network, tokens), oracle.LastLogits(tokens), 3e-2, $"{dtype}");
    }
}
