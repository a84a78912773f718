using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>A decoder layer's feed-forward block (one tensor-parallel shard of it): dense or mixture of experts.</summary>
internal interface IFeedForward : IDisposable
{
    /// <summary>(T, d) normed hidden states to this shard's (T, d) contribution, its linears computed by <paramref name="kernel"/>.</summary>
    Tensor Forward(Tensor x, Kernels.LinearKernel kernel = Kernels.LinearKernel.Auto);
}
