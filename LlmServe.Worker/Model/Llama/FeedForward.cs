using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Llama;

/// <summary>SwiGLU feed-forward: down(silu(gate x) * up x).</summary>
internal sealed class FeedForward(Tensor gate, Tensor up, Tensor down) : IDisposable
{
    public Tensor Forward(Tensor x)                                  // (T, d)
    {
        var g = F.silu(F.linear(x, gate));                           // (T, ffn)
        return F.linear(g.mul_(F.linear(x, up)), down);              // (T, d)
    }

    public void Dispose()
    {
        gate.Dispose();
        up.Dispose();
        down.Dispose();
    }
}
