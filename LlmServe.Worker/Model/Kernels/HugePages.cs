using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Asks Linux to back a large tensor with transparent huge pages (2 MiB) where the system leaves that to the
/// application (<c>/sys/kernel/mm/transparent_hugepage/enabled</c> = <c>madvise</c>, the common default). Filling fresh
/// weights otherwise takes one page fault per 4 KiB, most of a checkpoint's load time, and streaming them through the
/// matrix-vector kernels at decode walks one TLB entry per 4 KiB. Advice only: where it is refused or unsupported the
/// memory works as before.
/// </summary>
internal static partial class HugePages
{
    /// <summary>Below this a tensor cannot hold a whole aligned huge page worth advising.</summary>
    private const long MinBytes = 4L << 20;

    private const int MadvHugePage = 14;
    private const long PageSize = 4096;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);

    /// <summary>Advises the tensor's storage before it is first written; returns whether the kernel accepted.</summary>
    public static bool Advise(Tensor tensor)
    {
        var bytes = tensor.NumberOfElements * tensor.ElementSize;
        if (!OperatingSystem.IsLinux() || tensor.device_type != DeviceType.CPU || bytes < MinBytes)
        {
            return false;
        }
        // madvise wants a page-aligned start; the partial page before it stays as it is.
        var start = TensorMemory.Address(tensor);
        var aligned = (start + (nint)(PageSize - 1)) & ~(nint)(PageSize - 1);
        var length = bytes - (aligned - start);
        try
        {
            return madvise(aligned, (nuint)length, MadvHugePage) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }
}
