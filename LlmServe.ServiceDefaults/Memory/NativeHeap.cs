using System.Runtime.InteropServices;

namespace LlmServe.ServiceDefaults.Memory;

/// <summary>
/// The process's native heap (glibc malloc on Linux), which holds what native libraries allocate: libtorch's tensors
/// in the Worker. Elsewhere (another C library, another OS) every member does nothing and says so.
/// </summary>
public static partial class NativeHeap
{
    private const int TrimThresholdParameter = -1;   // M_TRIM_THRESHOLD
    private const int MmapThresholdParameter = -3;   // M_MMAP_THRESHOLD

    /// <summary>
    /// Serves blocks below <paramref name="mmapThresholdBytes"/> from the heap and keeps up to
    /// <paramref name="trimThresholdBytes"/> of freed memory at its top, instead of glibc's defaults (a dynamic threshold
    /// that starts at 128 KiB, and 128 KiB). A model step allocates and frees megabytes of intermediate tensors per op;
    /// with the defaults each is a fresh mapping whose every page the kernel faults in and zeroes again. What the heap
    /// keeps is bounded by the step's peak working set plus the trim threshold, and <see cref="Trim"/> returns it.
    /// </summary>
    /// <returns>Whether both settings took.</returns>
    public static bool KeepLargeBlocks(int mmapThresholdBytes, int trimThresholdBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mmapThresholdBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trimThresholdBytes);
        return Call(() => Mallopt(MmapThresholdParameter, mmapThresholdBytes) == 1 && Mallopt(TrimThresholdParameter, trimThresholdBytes) == 1);
    }

    /// <summary>Returns the heap's free memory to the OS (glibc's malloc_trim); whether any was released.</summary>
    public static bool Trim() => Call(() => MallocTrim(0) == 1);

    private static bool Call(Func<bool> glibc)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            return glibc();
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;   // not glibc (musl has neither function)
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
