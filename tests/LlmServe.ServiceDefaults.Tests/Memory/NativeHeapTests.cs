using System.Runtime.InteropServices;
using LlmServe.ServiceDefaults.Memory;

namespace LlmServe.ServiceDefaults.Tests.Memory;

/// <summary>The native heap settings, observed through the page faults the kernel counts for this process.</summary>
public sealed unsafe class NativeHeapTests
{
    /// <summary>40 MiB: above glibc's largest dynamic mmap threshold (32 MiB), so by default every such block is a fresh mapping.</summary>
    private const int BlockBytes = 40 << 20;

    [Fact]
    public void KeepLargeBlocks_ReusesFreedBlocks_InsteadOfFaultingInFreshPages()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        Assert.True(NativeHeap.KeepLargeBlocks(64 << 20, 512 << 20));

        const int rounds = 10;
        var before = MinorFaults();
        for (var i = 0; i < rounds; i++)
        {
            AllocateTouchAndFree();
        }
        var faults = MinorFaults() - before;

        // A fresh mapping faults in each of its 10,240 pages on first touch: ~102,400 over the rounds by default. Kept
        // in the heap, only the first round's pages are new.
        const long pages = BlockBytes / 4096;
        Assert.InRange(faults, 0, 3 * pages);
        NativeHeap.Trim();   // returns the kept block; whether anything was released depends on what else ran
    }

    [Fact]
    public void KeepLargeBlocks_RejectsNonPositiveSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeHeap.KeepLargeBlocks(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeHeap.KeepLargeBlocks(1, -1));
    }

    private static void AllocateTouchAndFree()
    {
        var block = (byte*)NativeMemory.Alloc(BlockBytes);
        for (var offset = 0; offset < BlockBytes; offset += 4096)
        {
            block[offset] = 1;
        }
        NativeMemory.Free(block);
    }

    /// <summary>minflt of /proc/self/stat: the tenth field, the eighth after the parenthesised command name.</summary>
    private static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7]);
    }
}
