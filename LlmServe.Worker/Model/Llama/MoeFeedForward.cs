using LlmServe.Worker.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// Sparse mixture of SwiGLU experts (Mixtral, Qwen3-MoE): a router scores every expert per token, the top k run, and
/// their outputs are summed weighted by the softmax of the router's scores (renormalised over the chosen k when the
/// model says so). Under tensor parallelism each shard holds every expert's slice of the FFN channels, so the shards'
/// outputs add up like a dense FFN's.
/// </summary>
internal sealed class MoeFeedForward(Tensor router, Tensor gates, Tensor ups, Tensor downs, int expertsPerToken, bool normalizeTopK)
    : IFeedForward
{
    public Tensor Router => router;                                  // (E, d), replicated

    public Tensor Gates => gates;                                    // (E, ffn_s, d)

    public Tensor Ups => ups;                                        // (E, ffn_s, d)

    public Tensor Downs => downs;                                    // (E, d, ffn_s)

    public Tensor Forward(Tensor x, LinearKernel kernel = LinearKernel.Auto) // (T, d)
    {
        // Routing in float32, as the references compute it.
        var probs = F.softmax(DecodeLinear.Forward(x, router, kernel: kernel).to_type(ScalarType.Float32), -1); // (T, E)
        var (weights, experts) = probs.topk(expertsPerToken, dim: -1);                      // (T, k), (T, k)
        if (normalizeTopK)
        {
            weights = weights.div(weights.sum([-1], keepdim: true));
        }
        weights = weights.to_type(x.dtype);
        var output = torch.zeros_like(x);                                                   // (T, d)
        using var chosenOnHost = experts.flatten().cpu();                                   // (T k), token-major
        var chosen = chosenOnHost.data<long>().ToArray();
        // Experts in id order, as transformers sums them, so a token's sum does not depend on its batch-mates.
        var slots = chosen.Select((e, i) => (Expert: (int)e, Slot: i)).GroupBy(p => p.Expert).OrderBy(g => g.Key);
        var flatWeights = weights.flatten();                                                // (T k)
        foreach (var group in slots)
        {
            using var scope = NewDisposeScope();
            var slotIndex = torch.tensor(group.Select(p => (long)p.Slot).ToArray(), device: x.device);                    // (n)
            var tokens = torch.tensor(group.Select(p => (long)(p.Slot / expertsPerToken)).ToArray(), device: x.device); // (n)
            var xe = x.index_select(0, tokens);                                             // (n, d)
            // Decode-sized groups take the bf16 GEMV kernel, whose rows do not depend on each other, so a token gets
            // the same expert output alone and in a batch (up to DecodeLinear.Bf16AutoMaxRows tokens per expert, at any
            // count when the step pins the kernel).
            var gateUp = DecodeLinear.Forward(xe, kernel, (gates[group.Key], null), (ups[group.Key], null)); // 2 x (n, ffn_s)
            var act = SiluAndMul.TryForward(gateUp[0], gateUp[1]) ?? F.silu(gateUp[0]).mul_(gateUp[1]);            // (n, ffn_s)
            var y = DecodeLinear.Forward(act, downs[group.Key], kernel: kernel);                                     // (n, d)
            output.index_add_(0, tokens, y.mul_(flatWeights.index_select(0, slotIndex).unsqueeze(1)), HeldScalars.One);
        }
        return output;
    }

    public void Dispose()
    {
        router.Dispose();
        gates.Dispose();
        ups.Dispose();
        downs.Dispose();
    }
}
