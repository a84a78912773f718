using LlmServe.Worker.Model;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>The two llama.cpp comparisons every random-weight GGUF gets: last-position logits and greedy tokens.</summary>
internal static class RandomCheckpointChecks
{
    public const double LogitsTolerance = 1e-3;
    public const int GreedyTokens = 32;

    public static void LastLogitsMatchLlamaCpp(string ggufPath)
    {
        using var model = ModelLoader.Load(ggufPath, ScalarType.Float32, maxModelLen: (int)LlamaCppOracle.ContextSize);
        using var oracle = new LlamaCppOracle(ggufPath);
        foreach (var prompt in OracleSpecs.Prompts)
        {
            var tokens = oracle.Tokenize(prompt, addBos: true);
            OracleAssert.LogitsClose(WorkerRun.LastLogits(model.Network, tokens), oracle.LastLogits(tokens), LogitsTolerance,
                $"{Path.GetFileName(ggufPath)} '{prompt}'");
        }
    }

    public static void GreedyMatchesLlamaCpp(string ggufPath)
    {
        using var model = ModelLoader.Load(ggufPath, ScalarType.Float32, maxModelLen: (int)LlamaCppOracle.ContextSize);
        using var oracle = new LlamaCppOracle(ggufPath);
        foreach (var prompt in OracleSpecs.Prompts[..2])
        {
            var tokens = oracle.Tokenize(prompt, addBos: true);
            OracleAssert.SameTokens(oracle.Greedy(tokens, GreedyTokens), WorkerRun.Greedy(model.Network, tokens, GreedyTokens),
                $"{Path.GetFileName(ggufPath)} '{prompt}'");
        }
    }
}
