using LlmServe.Worker.Model.Kernels;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Llama;

/// <summary>Gated feed-forward: down(act(gate x) * up x), SwiGLU unless the model says GeGLU.</summary>
internal sealed class FeedForward(Tensor gate, Tensor up, Tensor down, FeedForwardActivation activation = FeedForwardActivation.Silu)
    : IFeedForward
{
    public Tensor Gate => gate;                                      // (ffn, d)

    public Tensor Up => up;                                          // (ffn, d)

    public Tensor Down => down;                                      // (d, ffn)

    public Tensor Forward(Tensor x, LinearKernel kernel = LinearKernel.Auto) // (T, d)
    {
        var gateUp = DecodeLinear.Forward(x, kernel, (gate, null), (up, null)); // one pass over gate and up
        var act = activation == FeedForwardActivation.Silu
            ? SiluAndMul.TryForward(gateUp[0], gateUp[1]) ?? F.silu(gateUp[0]).mul_(gateUp[1])
            : F.gelu(gateUp[0], TorchSharp.Modules.GELU.Approximate.tanh).mul_(gateUp[1]);   // (T, ffn)
        return DecodeLinear.Forward(act, down, kernel: kernel); // (T, d)
    }

    public void Dispose()
    {
        gate.Dispose();
        up.Dispose();
        down.Dispose();
    }
}
