using LlmServe.Worker.Model.Kernels;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>Sends a step's decode group to <see cref="Bf16DecodeAttention"/> or <see cref="F32DecodeAttention"/> when its tensors suit them.</summary>
internal static class DecodeAttentionKernel
{
    /// <summary>
    /// Writes the attention of every decode in <paramref name="decodes"/> into its row of <paramref name="output"/>;
    /// false (nothing written) unless everything is contiguous bf16 or float32 on the CPU. Every batch size takes the
    /// kernel, so a sequence's attention is computed the same way alone and in a full batch.
    /// </summary>
    /// <param name="q">(N, H, D) queries after RoPE.</param>
    /// <param name="window">The layer's sliding window (each row sees its last <paramref name="window"/> positions); 0 for none.</param>
    /// <param name="output">(N, H, D).</param>
    /// <param name="scale">Factor on q.k.</param>
    public static bool TryRun(Tensor q, DecodeGroup decodes, int window, Tensor cacheK, Tensor cacheV, Tensor output, int kvHeads, double scale)
    {
        var b = decodes.TokenRows.shape[0];
        var dtype = q.dtype;
        if (q.dim() != 3 || (dtype != ScalarType.BFloat16 && dtype != ScalarType.Float32)
            || !TensorMemory.AreContiguousOnCpu(dtype, q, cacheK, cacheV, output)
            || !TensorMemory.AreContiguousOnCpu(ScalarType.Int64, decodes.TokenRows, decodes.Slots, decodes.Offsets, decodes.Lengths))
        {
            return false;
        }
        int heads = (int)q.shape[1], headDim = (int)q.shape[2];
        var args = new Bf16DecodeAttention.Args(TensorMemory.Address(q), TensorMemory.Address(cacheK), TensorMemory.Address(cacheV),
            TensorMemory.Address(decodes.TokenRows), TensorMemory.Address(decodes.Slots), TensorMemory.Address(decodes.Offsets),
            TensorMemory.Address(decodes.Lengths), TensorMemory.Address(output), (int)b, decodes.MaxContext, heads, kvHeads, headDim,
            (float)scale, window);
        if (dtype == ScalarType.BFloat16)
        {
            Bf16DecodeAttention.Run(args);
        }
        else
        {
            F32DecodeAttention.Run(args);
        }
        return true;
    }
}
