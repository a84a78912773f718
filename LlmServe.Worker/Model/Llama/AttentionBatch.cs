using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// Where the N tokens of one forward pass sit: their positions, the cache slots their K/V go to, and for each
/// sequence the slots of its whole context. Built on the host for every engine step.
/// </summary>
/// <remarks>
/// Tokens of all sequences are flattened in sequence order:
/// <code>
///   tokens:  [ a0 a1 a2 a3 | b7 | c4 c5 | d9 ]      N = 8
///   seqs:      a: prefill (4 new, context 4)   b: decode (context 8)
///              c: prefill chunk (2 new, context 6)   d: decode (context 10)
/// </code>
/// Sequences with one new token (decodes) attend in one padded batched pass over their gathered context slots;
/// sequences with several new tokens (prefill chunks) attend one by one with a causal mask.
/// </remarks>
internal sealed class AttentionBatch : IDisposable
{
    public required Tensor Positions { get; init; }          // (N) int64
    public required Tensor SlotMapping { get; init; }        // (N) int64, cache row of each new token
    public required IReadOnlyList<PrefillSequence> Prefills { get; init; }
    public DecodeGroup? Decodes { get; init; }
    public required Tensor SampleIndices { get; init; }      // (M) int64, token rows whose logits are needed

    /// <summary>How the step's linears are computed; a batch-invariant engine pins it per kind of row.</summary>
    public Kernels.LinearKernel Linears { get; init; } = Kernels.LinearKernel.Auto;

    /// <summary>
    /// Every new token is a row of <see cref="Decodes"/> over exactly the keys it may see (no prefill chunks), which
    /// the CPU's decode attention kernels compute alone, so its sums do not depend on how its prompt was chunked or
    /// what it was batched with.
    /// </summary>
    public bool AttentionPerRow { get; init; }

    /// <summary>A copy of every index tensor on <paramref name="device"/>, for a shard on another device; the caller disposes it.</summary>
    public AttentionBatch To(Device device) => new()
    {
        Positions = Positions.to(device),
        SlotMapping = SlotMapping.to(device),
        Prefills = [.. Prefills.Select(p => p with { ContextSlots = p.ContextSlots.to(device) })],
        Decodes = Decodes is { } d
            ? new DecodeGroup { TokenRows = d.TokenRows.to(device), ContextSlots = d.ContextSlots.to(device), PaddingMask = d.PaddingMask.to(device) }
            : null,
        SampleIndices = SampleIndices.to(device),
        Linears = Linears,
        AttentionPerRow = AttentionPerRow,
    };

    public void Dispose()
    {
        Positions.Dispose();
        SlotMapping.Dispose();
        SampleIndices.Dispose();
        foreach (var p in Prefills)
        {
            p.ContextSlots.Dispose();
        }
        Decodes?.Dispose();
    }
}

/// <summary>A sequence with <see cref="TokenCount"/> new tokens at rows [TokenStart, TokenStart + TokenCount).</summary>
internal sealed record PrefillSequence(int TokenStart, int TokenCount, Tensor ContextSlots); // ContextSlots: (S) int64

/// <summary>All single-token sequences of the step, padded to the longest context.</summary>
internal sealed class DecodeGroup : IDisposable
{
    public required Tensor TokenRows { get; init; }          // (B) int64, row of each decode token in the flat batch
    public required Tensor ContextSlots { get; init; }       // (B, Smax) int64, padded with slot 0
    public required Tensor PaddingMask { get; init; }        // (B, 1, 1, Smax) bool, true where padded

    private readonly Dictionary<int, Tensor> _windowMasks = [];

    /// <summary>
    /// <see cref="PaddingMask"/> plus, for a sliding window of <paramref name="window"/>, every key older than the last
    /// <paramref name="window"/> positions of its sequence (slot j holds position j); built once per step and window,
    /// owned by the group (out of every dispose scope: the layer that first asks must not free it for the next).
    /// </summary>
    public Tensor WindowMask(int window)
    {
        if (!_windowMasks.TryGetValue(window, out var mask))
        {
            using var scope = NewDisposeScope();
            var smax = PaddingMask.shape[^1];
            var lengths = PaddingMask.logical_not().sum([-1], keepdim: true, type: ScalarType.Int64); // (B, 1, 1, 1)
            // From an array, not torch.arange (see HeldScalars); slot j is masked when j + window < length.
            var shifted = torch.tensor(Enumerable.Range(0, (int)smax).Select(j => (long)j + window).ToArray(), device: PaddingMask.device); // (Smax)
            mask = PaddingMask.logical_or(shifted.lt(lengths)).contiguous().DetachFromDisposeScope(); // (B, 1, 1, Smax)
            _windowMasks[window] = mask;
        }
        return mask;
    }

    public void Dispose()
    {
        TokenRows.Dispose();
        ContextSlots.Dispose();
        PaddingMask.Dispose();
        foreach (var mask in _windowMasks.Values)
        {
            mask.Dispose();
        }
    }
}
