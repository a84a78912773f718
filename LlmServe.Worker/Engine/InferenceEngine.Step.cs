using System.Buffers;
using LlmServe.Worker.Engine.Scheduling;
using LlmServe.Worker.Model.Kernels;
using LlmServe.Worker.Model.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Engine;

/// <summary>One engine step: the scheduled tokens through the model (one or two forward passes), then sampling.</summary>
internal sealed partial class InferenceEngine
{
    private void Step(IReadOnlyList<ScheduledRequest> scheduled)
    {
        using var scope = NewDisposeScope();
        // Rows of each forward's logits: one per sampling request, plus every new prompt position of a request that
        // wants its prompt's log-probabilities (its sampling row, when it samples, is the last of them).
        var promptRows = new List<(EngineRequest Request, int FirstPosition, float[] Logits, int FirstRow, int Count)>();
        var samplers = new List<(EngineRequest Request, float[] Logits, int Row)>();
        var vocab = 0;
        try
        {
            foreach (var (kernel, parts) in Forwards(scheduled))
            {
                vocab = Forward(kernel, parts, promptRows, samplers) ?? vocab;
            }
            Finish(scheduled, promptRows, samplers, vocab);
        }
        finally
        {
            // Each forward's logits (rented by Forward) are read only within the step, through spans.
            foreach (var logits in promptRows.Select(p => p.Logits).Concat(samplers.Select(s => s.Logits)).Distinct())
            {
                ArrayPool<float>.Shared.Return(logits);
            }
        }
    }

    /// <summary>The step's bookkeeping, prompt log-probabilities and sampling, over the logits its forwards left.</summary>
    private void Finish(IReadOnlyList<ScheduledRequest> scheduled, List<(EngineRequest Request, int FirstPosition, float[] Logits, int FirstRow, int Count)> promptRows,
        List<(EngineRequest Request, float[] Logits, int Row)> samplers, int vocab)
    {
        _scheduler.Advance(scheduled);
        _metrics.RecordStep(scheduled.Sum(s => s.NumTokens));
        foreach (var (request, firstPosition, logits, firstRow, count) in promptRows)
        {
            RecordPromptLogprobs(request, firstPosition, logits.AsSpan(firstRow * vocab, count * vocab), vocab);
        }
        foreach (var (request, logits, row) in samplers)
        {
            try
            {
                if (request.Sampling.MaxTokens == 0)
                {
                    _emitter.Complete(request, FinishReason.Length);   // the prompt was all it asked for
                    _scheduler.Finish(request);
                    continue;
                }
                SampleNext(request, logits.AsSpan(row * vocab, vocab));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One request's sampling failing (its constraint, its parameters) fails that request, not the batch.
                LogRequestFailed(ex, request.Id);
                request.Source.Output.Writer.TryComplete(ex);
                _scheduler.Finish(request);
            }
        }
    }

    /// <summary>
    /// The step's forward passes: one over every scheduled token, or, when batch-invariant, prompt positions first
    /// and then generated ones, each with the kernel <see cref="InvariantKernels"/> pins for them (for bf16 torch's
    /// GEMM and the GEMV kernel, whose rows do not depend on each other), so each position is computed the same way
    /// alone, in any batch, and when recomputed after preemption (the scheduler then ends chunks at the prompt's end
    /// and recomputes generated tokens one per step, as decodes). When both kinds take the same kernel, one forward
    /// serves them and the weights are streamed once.
    /// </summary>
    private IEnumerable<(LinearKernel Kernel, List<StepPart> Parts)> Forwards(IReadOnlyList<ScheduledRequest> scheduled)
    {
        if (_invariant is not { } invariant || invariant.Prompt == invariant.Generated)
        {
            var kernel = _invariant?.Prompt ?? LinearKernel.Auto;
            return [(kernel, scheduled.Select(s => new StepPart(s.Request, s.Request.NumComputedTokens, s.NumTokens, s.Samples)).ToList())];
        }
        var prompt = new List<StepPart>();
        var generated = new List<StepPart>();
        foreach (var s in scheduled)
        {
            var start = s.Request.NumComputedTokens;
            (start < s.Request.Prompt.Length ? prompt : generated).Add(new StepPart(s.Request, start, s.NumTokens, s.Samples));
        }
        return new[] { (invariant.Prompt, prompt), (invariant.Generated, generated) }.Where(f => f.Item2.Count > 0);
    }

    /// <summary>A request's positions [Start, Start + Count) in one forward pass; a token is sampled after the last when <c>Samples</c>.</summary>
    private readonly record struct StepPart(EngineRequest Request, int Start, int Count, bool Samples);

    /// <summary>
    /// Adds the log-probabilities of the prompt tokens that follow positions firstPosition.. from their rows of
    /// logits (count, V), skipping positions already recorded (a preempted request recomputes its prompt).
    /// </summary>
    private static void RecordPromptLogprobs(EngineRequest request, int firstPosition, ReadOnlySpan<float> rows, int vocab)
    {
        var found = request.PromptLogprobs!;
        var top = request.Sampling.PromptLogprobs!.Value;
        for (var j = 0; j < rows.Length / vocab; j++)
        {
            var next = firstPosition + j + 1;   // the row at position p predicts the token at p + 1
            if (next == found.Count && next < request.Prompt.Length)
            {
                found.Add(Sampling.LogprobCalculator.Compute(rows.Slice(j * vocab, vocab), request.Prompt[next], top));
            }
        }
    }

    /// <summary>
    /// One forward pass over <paramref name="parts"/> with <paramref name="kernel"/>; adds the rows of its logits that
    /// prompt log-probabilities and sampling need, and returns the vocabulary size (null when no row came back).
    /// </summary>
    private int? Forward(LinearKernel kernel, List<StepPart> parts,
        List<(EngineRequest Request, int FirstPosition, float[] Logits, int FirstRow, int Count)> promptRows,
        List<(EngineRequest Request, float[] Logits, int Row)> samplers)
    {
        var tokens = new List<long>();
        var slices = new List<SequenceSlice>(parts.Count);
        var placed = new List<(StepPart Part, int FirstRow, bool AllLogits)>(parts.Count);
        var rows = 0;
        foreach (var part in parts)
        {
            var r = part.Request;
            for (var p = part.Start; p < part.Start + part.Count; p++)
            {
                tokens.Add(r.TokenAt(p));
            }
            var allLogits = r.NeedsPromptLogits && part.Start < r.Prompt.Length;
            slices.Add(new SequenceSlice(_kv.ContextSlots(r, part.Start + part.Count), part.Count, part.Samples, allLogits));
            placed.Add((part, rows, allLogits));
            rows += allLogits ? part.Count : part.Samples ? 1 : 0;
        }
        using var batch = AttentionBatchBuilder.Build(slices, kernel, attentionPerRow: _attentionPerRow);
        var logits = Model.Network.Forward(torch.tensor(tokens.ToArray()), batch, _cache);     // (rows, V)
        if (rows == 0)
        {
            return null;   // only prefill chunks ran: nothing to sample yet
        }
        var all = TensorMemory.RentFloatArray(logits);
        foreach (var (part, firstRow, allLogits) in placed)
        {
            if (allLogits)
            {
                promptRows.Add((part.Request, part.Start, all, firstRow, part.Count));
            }
            if (part.Samples)
            {
                samplers.Add((part.Request, all, allLogits ? firstRow + part.Count - 1 : firstRow));
            }
        }
        return (int)logits.shape[1];
    }
}
