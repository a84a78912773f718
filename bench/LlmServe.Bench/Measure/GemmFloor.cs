using System.Diagnostics;
using LlmServe.Checkpoints.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Bench.Measure;

/// <summary>
/// The compute floor of the throughput workload: how long its matrix multiplications alone take on this machine,
/// each timed at its own shape with the faster of libtorch's bf16 GEMM (oneDNN, on CPUs with AVX-512) and its float32
/// GEMM of the same values held in float32, the fastest CPU GEMMs in reach of .NET here (without AVX-512, torch's bf16
/// product is a slow fallback and float32 is several times faster).
/// </summary>
/// <remarks>
/// On a few CPU cores a batch of 32 decodes is compute-bound, not memory-bound, so no engine can serve the workload
/// faster than these GEMMs run. Attention, sampling, norms and HTTP are left out, which makes the floor optimistic:
/// the ratio it implies is a ceiling no implementation on this machine can pass.
/// </remarks>
internal static class GemmFloor
{
    /// <param name="PrefillSeconds">Every prompt token through every layer's linears, in chunks of the step budget.</param>
    /// <param name="DecodeSeconds">Every later token of every request: one step per output token, the whole batch at once.</param>
    /// <param name="BestGflops">The fastest rate seen at any of the shapes.</param>
    public sealed record Result(double PrefillSeconds, double DecodeSeconds, double BestGflops)
    {
        public double Seconds => PrefillSeconds + DecodeSeconds;
    }

    /// <param name="prefillChunk">Prompt tokens per step (the Worker's max_num_batched_tokens).</param>
    public static Result Measure(RandomCheckpointSpec spec, int requests, int promptTokens, int outputTokens, int prefillChunk)
    {
        torch.set_num_threads(Environment.ProcessorCount);
        var headDim = spec.EffectiveHeadDim;
        // (out, in) of each layer's linears as the Worker runs them: q/k/v fused, o, gate/up fused, down.
        (long Out, long In)[] layer =
        [
            ((spec.Heads + 2 * spec.KvHeads) * headDim, spec.HiddenSize),
            (spec.HiddenSize, spec.Heads * headDim),
            (2L * spec.IntermediateSize, spec.HiddenSize),
            (spec.HiddenSize, spec.IntermediateSize),
        ];
        (long Out, long In) lmHead = (spec.VocabSize, spec.HiddenSize);
        var best = 0.0;
        double LayerSeconds(int rows) => spec.Layers * layer.Sum(shape => Time(rows, shape, ref best));

        var promptTotal = (long)requests * promptTokens;
        var chunk = Math.Min(prefillChunk, promptTotal);
        var lmHeadSeconds = Time(requests, lmHead, ref best);                  // one row per request, both phases
        // Prompt tokens in full chunks; the last token of each prompt also goes through the LM head.
        var prefill = promptTotal / (double)chunk * LayerSeconds((int)chunk) + lmHeadSeconds;
        // The first output token comes from the prefill; each later one is a step of the whole batch.
        var decode = (outputTokens - 1) * (LayerSeconds(requests) + lmHeadSeconds);
        return new Result(prefill, decode, best);
    }

    /// <summary>Best of several timings of x (rows, in) times w^T (in, out), bf16 values, multiplied in bf16 or in float32.</summary>
    private static double Time(int rows, (long Out, long In) shape, ref double bestGflops)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = torch.randn(rows, shape.In).to_type(ScalarType.BFloat16);       // (rows, in)
        var w = torch.randn(shape.Out, shape.In).to_type(ScalarType.BFloat16);  // (out, in)
        var x32 = x.to_type(ScalarType.Float32);
        var w32 = w.to_type(ScalarType.Float32);
        var flops = 2.0 * rows * shape.In * shape.Out;
        var seconds = Math.Min(Best(flops, () => nn.functional.linear(x, w)), Best(flops, () => nn.functional.linear(x32, w32)));
        bestGflops = Math.Max(bestGflops, flops / seconds / 1e9);
        return seconds;
    }

    private static double Best(double flops, Func<Tensor> product)
    {
        var iterations = (int)Math.Clamp(2e9 / flops, 2, 200);                 // ~2 GFLOP per timing
        product().Dispose();                                                    // warm-up: oneDNN picks its kernel
        var seconds = double.MaxValue;
        for (var r = 0; r < 5; r++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < iterations; i++)
            {
                product().Dispose();
            }
            seconds = Math.Min(seconds, Stopwatch.GetElapsedTime(started).TotalSeconds / iterations);
        }
        return seconds;
    }
}
