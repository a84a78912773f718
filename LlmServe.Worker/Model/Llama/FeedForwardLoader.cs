using LlmServe.Worker.Model.Llama.TensorParallel;
using static TorchSharp.torch;
using static LlmServe.Worker.Model.Llama.TensorParallel.WeightSlicer;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// Loads block <c>blk.i</c>'s feed-forward, one per shard: gate/up column-parallel and down row-parallel over the same
/// FFN channels; for a mixture of experts, every expert split that way and the router replicated.
/// </summary>
internal static class FeedForwardLoader
{
    /// <param name="prefix">The block's name prefix, <c>blk.i.</c>.</param>
    public static IFeedForward[] Load(LlamaConfig config, IWeightSource weights, ScalarType dtype, string prefix, ShardGroup shards) =>
        config.NumExperts > 0 ? LoadExperts(config, weights, dtype, prefix, shards) : LoadDense(config, weights, dtype, prefix, shards);

    private static IFeedForward[] LoadDense(LlamaConfig config, IWeightSource weights, ScalarType dtype, string p, ShardGroup shards)
    {
        long d = config.HiddenSize, ffnWidth = config.IntermediateSize;
        // A fused gate+up (Phi-3) is split into row views that share the loaded storage (no copy).
        using var gateUp = config.FusedGateUp ? weights.Load(p + "ffn_up.weight", [2 * ffnWidth, d], dtype) : null; // (2 ffn, d)
        using var gate = gateUp?.narrow(0, 0, ffnWidth) ?? weights.Load(p + "ffn_gate.weight", [ffnWidth, d], dtype); // (ffn, d)
        using var up = gateUp?.narrow(0, ffnWidth, ffnWidth) ?? weights.Load(p + "ffn_up.weight", [ffnWidth, d], dtype); // (ffn, d)
        using var down = weights.Load(p + "ffn_down.weight", [d, ffnWidth], dtype); // (d, ffn)
        var layout = shards.Layout;
        return [.. Enumerable.Range(0, layout.Size).Select(s =>
        {
            var device = shards.Device(s);
            long start = layout.FfnStart(s), length = layout.FfnPerShard;
            return (IFeedForward)new FeedForward(
                Slice(gate, 0, start, length, device),                            // (ffn_s, d)
                Slice(up, 0, start, length, device),                              // (ffn_s, d)
                Slice(down, 1, start, length, device),                            // (d, ffn_s)
                config.Activation);
        })];
    }

    private static IFeedForward[] LoadExperts(LlamaConfig config, IWeightSource weights, ScalarType dtype, string p, ShardGroup shards)
    {
        long d = config.HiddenSize, ffnWidth = config.IntermediateSize, e = config.NumExperts;
        using var router = weights.Load(p + "ffn_gate_inp.weight", [e, d], dtype);            // (E, d)
        using var gates = weights.Load(p + "ffn_gate_exps.weight", [e, ffnWidth, d], dtype);  // (E, ffn, d)
        using var ups = weights.Load(p + "ffn_up_exps.weight", [e, ffnWidth, d], dtype);      // (E, ffn, d)
        using var downs = weights.Load(p + "ffn_down_exps.weight", [e, d, ffnWidth], dtype);  // (E, d, ffn)
        var layout = shards.Layout;
        return [.. Enumerable.Range(0, layout.Size).Select(s =>
        {
            var device = shards.Device(s);
            long start = layout.FfnStart(s), length = layout.FfnPerShard;
            return (IFeedForward)new MoeFeedForward(
                Replicate(router, device),                                        // (E, d)
                Slice(gates, 1, start, length, device),                           // (E, ffn_s, d)
                Slice(ups, 1, start, length, device),                             // (E, ffn_s, d)
                Slice(downs, 2, start, length, device),                           // (E, d, ffn_s)
                config.ExpertsPerToken, config.NormalizeTopKExperts);
        })];
    }
}
