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
        if (start == 0 && length == full.shape[dim])
        {
            return IsOn(full, device) ? full.alias() : full.to(device);
        }
        using var scope = NewDisposeScope();
        return full.narrow(dim, start, length).clone().to(device).MoveToOuterDisposeScope();
    }

    /// <summary>The whole tensor on <paramref name="device"/> (a replicated weight such as a per-head norm).</summary>
    public static Tensor Replicate(Tensor full, Device device) => Slice(full, 0, 0, full.shape[0], device);

    /// <summary><paramref name="tensor"/> itself when it is on <paramref name="device"/>, else a copy there (the original is disposed).</summary>
    public static Tensor MoveTo(Tensor tensor, Device device)
    {
        if (IsOn(tensor, device))
        {
            return tensor;
        }
        using (tensor)
        {
            return tensor.to(device);
        }
    }

    public static bool IsOn(Tensor tensor, Device device) =>
        tensor.device_type == device.type && (device.type == DeviceType.CPU || tensor.device_index == device.index);
}
