using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Iced.Intel;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Whether this process runs its assembled AVX512_BF16 loops (<see cref="Bf16DotTiles"/>, <see cref="Bf16TransposedScores"/>,
/// <see cref="Bf16PairedValues"/>): the CPU has the instructions, the OS keeps 512-bit state, and <see cref="Switch"/> does
/// not turn them off. One answer for the whole process, so every row of every batch takes the same path. Also what the
/// loops share: loading them into executable pages, saving registers, returning.
/// </summary>
internal static class Avx512Bf16
{
    /// <summary>Setting this environment variable to 0 keeps the managed loops (to compare the two).</summary>
    public const string Switch = "LLMSERVE_AVX512_BF16";

    /// <summary>Whether <see cref="Switch"/> is 0, which keeps the managed loops whatever the CPU has.</summary>
    public static bool IsSwitchedOff => Environment.GetEnvironmentVariable(Switch) == "0";

    /// <summary>The CPU and OS offer AVX512_BF16 and the switch leaves it on.</summary>
    public static bool IsWanted => CpuHasIt() && !IsSwitchedOff;

    /// <summary>
    /// Entry points of <paramref name="count"/> loops, loop i assembled by <paramref name="assemble"/>(i) and placed on its
    /// own 64-byte line (int3 between them) in one set of executable pages; null where the loops are not wanted
    /// (<see cref="IsWanted"/>) or Linux refuses executable memory, so callers keep their managed code.
    /// </summary>
    public static nint[]? Load(int count, Func<int, byte[]> assemble)
    {
        if (!IsWanted)
        {
            return null;
        }
        var code = new List<byte>();
        var offsets = new int[count];
        for (var i = 0; i < count; i++)
        {
            while (code.Count % EntryAlignment != 0)
            {
                code.Add(0xCC);
            }
            offsets[i] = code.Count;
            code.AddRange(assemble(i));
        }
        return ExecutableMemory.TryLoad(code.ToArray()) is { } pages ? Array.ConvertAll(offsets, o => pages + o) : null;
    }

    private const int EntryAlignment = 64;

    /// <summary>Pushes the callee-saved registers a loop uses (System V: rbx, rbp, r12-r15).</summary>
    public static void Save(Assembler a, AssemblerRegister64[] saved)
    {
        foreach (var register in saved)
        {
            a.push(register);
        }
    }

    /// <summary>Pops what <see cref="Save"/> pushed, leaves the vector state clean and returns; the loop's bytes.</summary>
    public static byte[] Return(Assembler a, AssemblerRegister64[] saved)
    {
        for (var i = saved.Length - 1; i >= 0; i--)
        {
            a.pop(saved[i]);
        }
        a.vzeroupper();
        a.ret();
        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), 0);                    // position-independent: no RIP-relative operands
        return stream.ToArray();
    }

    /// <summary>AVX512_BF16 is CPUID leaf 7, sub-leaf 1, EAX bit 5; the OS must also keep 512-bit state (Vector512).</summary>
    private static bool CpuHasIt() =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && X86Base.IsSupported
        && X86Base.CpuId(7, 0).Eax >= 1 && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;
}
