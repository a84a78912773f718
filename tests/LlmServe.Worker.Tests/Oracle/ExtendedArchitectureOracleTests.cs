namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// Random-weight GGUF checkpoints of the architectures that need the extended loader against llama.cpp:
/// Llama 3 (rope_freqs per-pair divisors), Qwen2 (q/k/v biases, NEOX RoPE, tied embeddings) and Qwen3
/// (per-head q/k norms, head_dim independent of hidden size).
/// </summary>
[Trait(OracleTraits.Requires, OracleTraits.LoaderMerge)]
public sealed class ExtendedArchitectureOracleTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    public static TheoryData<string> Architectures => ["llama3", "qwen2", "qwen3"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Forward_Prompts_LastLogitsMatchLlamaCpp(string name) =>
        RandomCheckpointChecks.LastLogitsMatchLlamaCpp(files.Gguf(name));

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Greedy_32Tokens_TokenIdenticalToLlamaCpp(string name) =>
        RandomCheckpointChecks.GreedyMatchesLlamaCpp(files.Gguf(name));
}
