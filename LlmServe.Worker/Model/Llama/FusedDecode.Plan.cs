using LlmServe.Worker.Model.Kernels;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>Checks that a step suits the fused path and reads its index tensors, before any member starts.</summary>
internal sealed unsafe partial class FusedDecode
{
    /// <summary>The step's host-side indices (addresses into the batch's tensors) and where its results go.</summary>
    private struct Step
    {
        public int Rows;                              // M decodes, token row i is decode i
        public int Samples;                           // rows whose logits are wanted
        public long* Tokens;                          // (M)
        public long* Positions;                       // (M)
        public long* Slots;                           // (M) cache slot of each new token
        public long* SampleRows;                      // (Samples)
        public Bf16DecodeAttention.Args Attention;    // every field but the layer's cache
        public nint[] Keys;                           // per layer, (slots, Hkv, D) bf16
        public nint[] Values;
        public float* Logits;                         // (Samples, V)
    }

    private CacheAddressBook? _cache;

    /// <summary>
    /// The step when it is decodes only (token row i being decode i), as many as the general path would send to the
    /// kernel (<see cref="DecodeLinear.Bf16AutoMaxRows"/>, or any number when pinned to it) up to <see cref="MaxRows"/>,
    /// with int64 CPU indices in range and a bf16 CPU cache; null otherwise. Every index a member will follow
    /// is checked here, so a bad one falls back to the general path (which reports it) instead of failing mid-job.
    /// </summary>
    private Step? Plan(Tensor tokens, AttentionBatch batch, KvCache cache)
    {
        if (batch.Prefills.Count != 0 || batch.Decodes is not { } decodes || tokens.dim() != 1 || batch.Linears == LinearKernel.Torch)
        {
            return null;
        }
        var m = tokens.shape[0];
        if (m < 1 || m > (batch.Linears == LinearKernel.RowGemv ? MaxRows : Math.Min(MaxRows, DecodeLinear.Bf16AutoMaxRows))
            || !TensorMemory.AreContiguousOnCpu(ScalarType.Int64, tokens, batch.Positions, batch.SlotMapping, batch.SampleIndices, decodes.TokenRows)
            || !TensorMemory.AreContiguousOnCpu(ScalarType.Int64, decodes.Slots, decodes.Offsets, decodes.Lengths)
            || batch.Positions.numel() != m || batch.SlotMapping.numel() != m || decodes.TokenRows.numel() != m
            || decodes.Offsets.numel() != m || decodes.Lengths.numel() != m
            || batch.SampleIndices.numel() > m || CacheAddresses(cache) is not ({ } keys, { } values))
        {
            return null;
        }
        var step = new Step
        {
            Rows = (int)m,
            Samples = (int)batch.SampleIndices.numel(),
            Tokens = (long*)TensorMemory.Address(tokens),
            Positions = (long*)TensorMemory.Address(batch.Positions),
            Slots = (long*)TensorMemory.Address(batch.SlotMapping),
            SampleRows = (long*)TensorMemory.Address(batch.SampleIndices),
        };
        var rows = (long*)TensorMemory.Address(decodes.TokenRows);
        var offsets = (long*)TensorMemory.Address(decodes.Offsets);
        var lengths = (long*)TensorMemory.Address(decodes.Lengths);
        var contextSlots = decodes.Slots.numel();
        for (var i = 0; i < m; i++)
        {
            if (rows[i] != i || !InRange(step.Tokens[i], _vocab) || !InRange(step.Positions[i], _w.MaxPositions)
                || !InRange(step.Slots[i], cache.Capacity) || lengths[i] < 1 || !InRange(offsets[i], contextSlots)
                || lengths[i] > contextSlots - offsets[i])
            {
                return null;
            }
        }
        for (var i = 0; i < step.Samples; i++)
        {
            if (!InRange(step.SampleRows[i], m))
            {
                return null;
            }
        }
        var context = (long*)TensorMemory.Address(decodes.Slots);
        for (var i = 0L; i < contextSlots; i++)
        {
            if (!InRange(context[i], cache.Capacity))
            {
                return null;
            }
        }
        if (RowsShareASequence(offsets, (int)m))
        {
            return null;
        }
        step.Attention = new Bf16DecodeAttention.Args((nint)_q, 0, 0, (nint)rows, (nint)context, (nint)offsets, (nint)lengths,
            (nint)_attn, (int)m, decodes.MaxContext, _heads, _kvHeads, _headDim, (float)(1.0 / Math.Sqrt(_headDim)));
        (step.Keys, step.Values) = (keys, values);
        return step;
    }

    /// <summary>
    /// Whether two rows are tokens of one sequence (one prompt chunk's tokens, which a batch-invariant step sends as rows
    /// of their own; <see cref="DecodeRowsBuilder"/> gives such rows one context, so the same offset): the later row
    /// attends over the slot the earlier one writes, and the job writes a row's K/V and attends in one work item with no
    /// barrier between rows, so it could read that slot before or after it is written.
    /// </summary>
    private static bool RowsShareASequence(long* offsets, int rows)
    {
        for (var r = 1; r < rows; r++)
        {
            for (var other = 0; other < r; other++)
            {
                if (offsets[other] == offsets[r])
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Each layer's key and value addresses when the cache is bf16 on the CPU in this model's shape; null otherwise.</summary>
    private (nint[] Keys, nint[] Values)? CacheAddresses(KvCache cache)
    {
        // An engine keeps one cache for its life: check and read it once, not on every step.
        if (_cache is { } known && ReferenceEquals(known.Cache, cache))
        {
            return (known.Keys, known.Values);
        }
        var keys = new nint[_layers];
        var values = new nint[_layers];
        for (var l = 0; l < _layers; l++)
        {
            foreach (var t in (ReadOnlySpan<Tensor>)[cache.Keys(l), cache.Values(l)])
            {
                if (!TensorMemory.AreContiguousOnCpu(ScalarType.BFloat16, t) || t.numel() != (long)cache.Capacity * _kvHeads * _headDim)
                {
                    return null;
                }
            }
            keys[l] = TensorMemory.Address(cache.Keys(l));
            values[l] = TensorMemory.Address(cache.Values(l));
        }
        _cache = new CacheAddressBook(cache, keys, values);
        return (keys, values);
    }

    private sealed record CacheAddressBook(KvCache Cache, nint[] Keys, nint[] Values);

    private static bool InRange(long value, long bound) => (ulong)value < (ulong)bound;
}
