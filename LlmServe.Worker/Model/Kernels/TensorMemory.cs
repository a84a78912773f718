using System.Buffers;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// The address of a CPU tensor's first element, so kernels can read weights in place. TorchSharp has no public
/// pointer accessor (<c>data&lt;T&gt;()</c> hands out an indexer, <c>bytes</c> a span capped at 2 GiB), so this asks
/// the native library TorchSharp itself binds.
/// </summary>
internal static partial class TensorMemory
{
    [LibraryImport("LibTorchSharp")]
    private static partial nint THSTensor_data(nint handle);

    /// <summary>The tensor's storage at its offset; valid while the tensor lives and is not resized.</summary>
    public static nint Address(Tensor tensor) => THSTensor_data(tensor.Handle);

    /// <summary>
    /// The tensor's float32 values in an array rented from <see cref="ArrayPool{T}.Shared"/> (it may be longer than the
    /// tensor; the caller returns it): one block copy where the tensor is contiguous float32 on the CPU, where
    /// TorchSharp's accessor goes element by element (~4% of a 32-row decode step, whose logits are 32 x the
    /// vocabulary). Renting spares each step a fresh 4 MB large-object array and the page faults of filling it.
    /// </summary>
    public static unsafe float[] RentFloatArray(Tensor tensor)
    {
        var count = checked((int)tensor.NumberOfElements);
        var values = ArrayPool<float>.Shared.Rent(count);
        if (AreContiguousOnCpu(ScalarType.Float32, tensor))
        {
            new ReadOnlySpan<float>((void*)Address(tensor), count).CopyTo(values);
            GC.KeepAlive(tensor);
        }
        else
        {
            tensor.data<float>().ToArray().CopyTo(values, 0);
        }
        return values;
    }

    /// <summary>Whether every tensor is contiguous <paramref name="dtype"/> data on the CPU, i.e. readable through <see cref="Address"/>.</summary>
    public static bool AreContiguousOnCpu(ScalarType dtype, params ReadOnlySpan<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            if (t.dtype != dtype || t.device_type != DeviceType.CPU || !t.is_contiguous())
            {
                return false;
            }
        }
        return true;
    }
}
