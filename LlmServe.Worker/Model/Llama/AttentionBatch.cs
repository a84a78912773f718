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

    /// <summary>A copy of every index tensor on <paramref name="device"/>, for a shard on another device; the caller disposes it.</summary>
    public AttentionBatch To(Device device) => new()
    {
        Positions = Positions.to(device),
        SlotMapping = SlotMapping.to(device),
        Prefills = [.. Prefills.Select(p => p with { ContextSlots = p.ContextSlots.to(device) })],
        Decodes = Decodes?.To(device),
        SampleIndices = SampleIndices.to(device),
        Linears = Linears,
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

/// <summary>
/// The step's rows that attend alone: single-token sequences (decodes) and, when the step attends per row, every new
/// token of a prompt chunk. Each row's context is a run of <see cref="Slots"/>; rows of one chunk share their sequence's
/// run with lengths growing by one, so the group takes memory in proportion to the contexts, not rows times the longest.
/// </summary>
internal sealed class DecodeGroup : IDisposable
{
    public required Tensor TokenRows { get; init; }          // (B) int64, row of each decode token in the flat batch
    public required Tensor Slots { get; init; }              // (total) int64, the rows' context slots, run after run
    public required Tensor Offsets { get; init; }            // (B) int64, where each row's context starts in Slots
    public required Tensor Lengths { get; init; }            // (B) int64, each row's context length

    /// <summary>The longest context.</summary>
    public required int MaxContext { get; init; }

    private Tensor? _contextSlots;
    private Tensor? _paddingMask;
    private readonly Dictionary<int, Tensor> _windowMasks = [];

    /// <summary>(B, Smax) int64 each row's context slots padded with slot 0, for the batched torch path; built on first use.</summary>
    public Tensor ContextSlots
    {
        get
        {
            Pad();
            return _contextSlots!;
        }
    }

    /// <summary>(B, 1, 1, Smax) bool, true where <see cref="ContextSlots"/> is padded; built on first use.</summary>
    public Tensor PaddingMask
    {
        get
        {
            Pad();
            return _paddingMask!;
        }
    }

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

    /// <summary>A copy of every tensor on <paramref name="device"/>.</summary>
    public DecodeGroup To(Device device) => new()
    {
        TokenRows = TokenRows.to(device),
        Slots = Slots.to(device),
        Offsets = Offsets.to(device),
        Lengths = Lengths.to(device),
        MaxContext = MaxContext,
    };

    private void Pad()
    {
        if (_contextSlots is not null)
        {
            return;
        }
        using var scope = NewDisposeScope();
        var slots = Slots.cpu().data<long>().ToArray();
        var offsets = Offsets.cpu().data<long>().ToArray();
        var lengths = Lengths.cpu().data<long>().ToArray();
        int b = offsets.Length, smax = MaxContext;
        var table = new long[b * smax];
        var padding = new bool[b * smax];
        for (var i = 0; i < b; i++)
        {
            for (var j = 0; j < smax; j++)
            {
                var inside = j < lengths[i];
                table[i * smax + j] = inside ? slots[offsets[i] + j] : 0;
                padding[i * smax + j] = !inside;
            }
        }
        _contextSlots = tensor(table, [b, smax]).to(Slots.device).DetachFromDisposeScope();
        _paddingMask = tensor(padding, [b, 1, 1, smax]).to(Slots.device).DetachFromDisposeScope();
    }

    public void Dispose()
    {
        TokenRows.Dispose();
        Slots.Dispose();
        Offsets.Dispose();
        Lengths.Dispose();
        _contextSlots?.Dispose();
        _paddingMask?.Dispose();
        foreach (var mask in _windowMasks.Values)
        {
            mask.Dispose();
        }
    }
}
