using LlmServe.Checkpoints;
using LlmServe.Checkpoints.Random;

namespace LlmServe.Bench.Setup;

/// <summary>The checkpoint shapes the benchmark uses.</summary>
internal static class ModelSize
{
    /// <summary>
    /// Qwen2.5-0.5B's dimensions in a Llama layout with a 32,000-token synthetic vocabulary and tied embeddings:
    /// 386.5M parameters, the model of the llama.cpp peer figures in the platform notes.
    /// </summary>
    public static RandomCheckpointSpec Qwen05B(CheckpointArchitecture arch) => new()
    {
        Architecture = arch,
        HiddenSize = 896,
        Layers = 24,
        Heads = 14,
        KvHeads = 2,
        IntermediateSize = 4864,
        VocabSize = 32000,
        DType = CheckpointDType.BF16,
        Seed = 1,
        TieWordEmbeddings = true,
        MaxPositionEmbeddings = 4096,
    };

    /// <summary>A few-million-parameter model of the same family, for the quick smoke run.</summary>
    public static RandomCheckpointSpec Tiny(CheckpointArchitecture arch) => new()
    {
        Architecture = arch,
        HiddenSize = 128,
        Layers = 2,
        Heads = 4,
        KvHeads = 2,
        IntermediateSize = 344,
        VocabSize = 32000,
        DType = CheckpointDType.BF16,
        Seed = 1,
        TieWordEmbeddings = true,
        MaxPositionEmbeddings = 4096,
    };
}
