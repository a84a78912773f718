using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama.TensorParallel;

/// <summary>Cuts one shard's slice out of a full weight, as a tensor of its own on the shard's device.</summary>
internal static class WeightSlicer
{
    /// <summary>
    /// Rows [start, start + length) of a (out, in) weight or (out) bias (column-parallel, dim 0), or columns of a
    /// (out, in) weight (row-parallel, dim 1). The caller may dispose <paramref name="full"/> afterwards: a whole
    /// tensor comes back as an alias sharing its storage, a slice as a copy that owns only the slice.
    /// </summary>
    public static Tensor Slice(Tensor full, int dim, long start, long length, Device device)
    {
        var whole = start == 0 && length == full.shape[dim];
        var onDevice = full.device_type == device.type && (device.type == DeviceType.CPU || full.device_index == device.index);
        if (whole)
        {
            return onDevice ? full.alias() : full.to(device);
        }
        using var scope = NewDisposeScope();
        return full.narrow(dim, start, length).clone().to(device).MoveToOuterDisposeScope();
    }

    /// <summary>The whole tensor on <paramref name="device"/> (a replicated weight such as a per-head norm).</summary>
    public static Tensor Replicate(Tensor full, Device device) => Slice(full, 0, 0, full.shape[0], device);
}
