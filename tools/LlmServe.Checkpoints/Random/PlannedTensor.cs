namespace LlmServe.Checkpoints.Random;

/// <summary>One tensor of a random checkpoint under both naming schemes.</summary>
/// <param name="Shape">PyTorch-order shape, e.g. (out, in).</param>
/// <param name="PermuteHeads">
/// For q/k of architectures llama.cpp permutes: the head count of the projection; null when GGUF keeps HF's rows.
/// </param>
/// <param name="Expert">
/// For one expert's matrix of a mixture of experts: its index. Hugging Face files hold it alone under
/// <paramref name="HfName"/>; GGUF stacks all experts' matrices under <paramref name="GgufName"/>, in expert order.
/// </param>
public sealed record PlannedTensor(string HfName, string GgufName, long[] Shape, TensorRole Role, int? PermuteHeads = null, int? Expert = null)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>1-D tensors; llama.cpp's converter keeps these in F32 whatever the file type.</summary>
    public bool IsVector => Shape.Length == 1;
}
