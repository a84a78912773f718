using LlmServe.Worker.Engine.Sampling;
using LlmServe.Worker.Model.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Llama.TensorParallel;

/// <summary>
/// Engine-shaped steps over a paged KV cache: two sequences in scattered 4-slot blocks; step 1 prefills A whole and
/// the first chunk of B, step 2 finishes B's prefill beside A's first decode, then both decode together.
/// </summary>
internal static class PagedSteps
{
    private const int BlockSize = 4;
    private static readonly int[] BlocksA = [5, 1, 7, 3, 9, 11];
    private static readonly int[] BlocksB = [2, 6, 0, 4, 8, 10];

    /// <summary>
    /// The float32 logits (M, V) of every step, fed by <paramref name="tokensFrom"/>'s greedy tokens when given
    /// (so a compared model sees exactly the reference's inputs), else by its own.
    /// </summary>
    public static List<float[,]> Run(LlamaModel model, int[] promptA, int[] promptB, int decodeSteps, List<float[,]>? tokensFrom = null)
    {
        using var inference = torch.inference_mode();
        using var cache = model.CreateCache(BlockSize * 12);
        var steps = new List<float[,]>();
        var a = promptA.ToList();
        var b = promptB.ToList();
        var chunk = promptB.Length / 2;
        // (sequence tokens so far, new tokens this step) for A and B.
        var plan = new List<(int ContextA, int NewA, int ContextB, int NewB)> { (a.Count, a.Count, chunk, chunk) };
        for (var i = 0; i < decodeSteps + 1; i++)
        {
            steps.Add(Step(model, cache, a, b, plan[^1]));
            var reference = (tokensFrom ?? steps)[steps.Count - 1];
            a.Add(ArgMax(reference, 0));
            var bDone = plan[^1].ContextB == b.Count;
            if (bDone)
            {
                b.Add(ArgMax(reference, 1));
            }
            plan.Add((a.Count, 1, b.Count, bDone ? 1 : b.Count - plan[^1].ContextB));
        }
        return steps;
    }

    private static float[,] Step(LlamaModel model, KvCache cache, List<int> a, List<int> b, (int ContextA, int NewA, int ContextB, int NewB) step)
    {
        using var scope = NewDisposeScope();
        var tokens = a.Skip(step.ContextA - step.NewA).Take(step.NewA).Concat(b.Skip(step.ContextB - step.NewB).Take(step.NewB))
            .Select(t => (long)t).ToArray();
        using var batch = AttentionBatchBuilder.Build(
        [
            new SequenceSlice(Slots(BlocksA, step.ContextA), step.NewA, Sample: true),
            new SequenceSlice(Slots(BlocksB, step.ContextB), step.NewB, Sample: true),
        ]);
        var logits = model.Forward(torch.tensor(tokens), batch, cache);                  // (2, V)
        var v = (int)logits.shape[1];
        var values = logits.data<float>().ToArray();
        var result = new float[2, v];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(float));
        return result;
    }

    private static int[] Slots(int[] blocks, int length) =>
        [.. Enumerable.Range(0, length).Select(i => blocks[i / BlockSize] * BlockSize + i % BlockSize)];

    private static int ArgMax(float[,] logits, int row) =>
        Sampler.ArgMax([.. Enumerable.Range(0, logits.GetLength(1)).Select(j => logits[row, j])]);
}
