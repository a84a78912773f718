using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// One sequence's part of a step: the cache slots of its whole context, the last <c>NewTokens</c> of which are new.
/// Logits come back for its last new token when <c>Sample</c>, for every new token when <c>AllLogits</c> (prompt
/// log-probabilities).
/// </summary>
internal readonly record struct SequenceSlice(int[] ContextSlots, int NewTokens, bool Sample, bool AllLogits = false);

/// <summary>Builds the host-side index tensors of an <see cref="AttentionBatch"/>.</summary>
internal static class AttentionBatchBuilder
{
    /// <param name="attentionPerRow">
    /// Every new token, prompt chunks' too, goes into the step's <see cref="DecodeGroup"/> as a row over exactly the
    /// keys it may see, which the CPU's decode attention kernels compute alone, so its sums do not depend on how its
    /// prompt was chunked or what it was batched with.
    /// </param>
    public static AttentionBatch Build(IReadOnlyList<SequenceSlice> sequences, Kernels.LinearKernel linears = Kernels.LinearKernel.Auto,
        bool attentionPerRow = false)
    {
        var positions = new List<long>();
        var slots = new List<long>();
        var samples = new List<long>();
        var prefills = new List<PrefillSequence>();
        var decodes = new DecodeRowsBuilder();
        foreach (var seq in sequences)
        {
            var start = positions.Count;
            var context = seq.ContextSlots.Length;
            for (var i = context - seq.NewTokens; i < context; i++)
            {
                positions.Add(i);
                slots.Add(seq.ContextSlots[i]);
            }
            if (seq.NewTokens == 1 || attentionPerRow)
            {
                // With attentionPerRow, each new token of a chunk is a row over the context up to and including itself.
                decodes.Add(start, seq.ContextSlots, seq.NewTokens);
            }
            else
            {
                prefills.Add(new PrefillSequence(start, seq.NewTokens, tensor(seq.ContextSlots.Select(s => (long)s).ToArray())));
            }
            if (seq.AllLogits)
            {
                for (var row = start; row < positions.Count; row++)
                {
                    samples.Add(row);
                }
            }
            else if (seq.Sample)
            {
                samples.Add(positions.Count - 1);
            }
        }
        return new AttentionBatch
        {
            Positions = tensor(positions.ToArray()),
            SlotMapping = tensor(slots.ToArray()),
            Prefills = prefills,
            Decodes = decodes.Build(),
            SampleIndices = tensor(samples.ToArray(), ScalarType.Int64),
            Linears = linears,
        };
    }
}
