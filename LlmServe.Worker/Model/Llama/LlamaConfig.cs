namespace LlmServe.Worker.Model.Llama;

/// <summary>Hyper-parameters of a Llama-family decoder (Llama 2/3, Mistral, Qwen2/3, SmolLM).</summary>
internal sealed record LlamaConfig
{
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKvHeads { get; init; }
    public int HeadDim => HiddenSize / NumHeads;
    public double RmsNormEps { get; init; } = 1e-5;
    public double RopeTheta { get; init; } = 10000;
    public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary>
    /// True when RoPE rotates adjacent pairs (x0,x1),(x2,x3)... as GGUF files of the llama architecture expect;
    /// false for Hugging Face checkpoints, which rotate the two halves of each head.
    /// </summary>
    public bool RopeInterleaved { get; init; }

    public void Validate(string source)
    {
        if (HiddenSize % NumHeads != 0 || NumHeads % NumKvHeads != 0 || HeadDim % 2 != 0)
        {
            throw new InvalidDataException(
                $"{source}: inconsistent attention shape (hidden {HiddenSize}, heads {NumHeads}, kv heads {NumKvHeads}).");
        }
        if (VocabSize <= 0 || NumLayers <= 0 || IntermediateSize <= 0)
        {
            throw new InvalidDataException($"{source}: vocabulary size, layer count and FFN size must be positive.");
        }
    }
}
