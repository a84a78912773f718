using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// <see cref="Bf16DecodeAttention"/>'s weighted sum of V, Σ_s p[s]·V[s], in AVX512_BF16, assembled at startup: the
/// cached V rows of two consecutive keys are interleaved into bf16 pairs (V[s] high, V[s + 1] low) and each head's
/// probabilities packed likewise, so one VDPBF16PS adds both keys' products for 16 elements, where the managed loop
/// widens each row and spends one fused multiply-add per key. The probabilities are already bf16 values (the softmax
/// rounds them where torch's bf16 path does), so packing them loses nothing.
/// </summary>
/// <remarks>
/// Same bits as the managed loop: the instruction adds a pair's high product and then its low one, each an exact product
/// rounded once into float32, i.e. key s and then key s + 1, each head's sum running over the context in order. It
/// differs only in treating subnormal operands and results as zero (probabilities below 2^-126, which add nothing a
/// float32 sum of larger ones can keep).
/// </remarks>
internal static unsafe class Bf16PairedValues
{
    /// <summary>Query heads one call sums (one to eight), as <c>Bf16DecodeAttention</c>'s passes take them.</summary>
    public const int MaxHeads = 8;

    /// <summary>Elements of V one call sums: a 512-bit load of each key's row.</summary>
    public const int Elements = 32;

    /// <summary>Entry points for 1-8 heads; null where the CPU, OS or switch offers none.</summary>
    private static readonly nint[]? Entries = Avx512Bf16.Load(MaxHeads, i => Assemble(i + 1));

    /// <summary>Whether V's weighted sums run the assembled loop (<see cref="Avx512Bf16.IsWanted"/> and executable memory granted).</summary>
    public static bool IsSupported => Entries is not null;

    /// <summary>Room <see cref="Pack"/> needs per head for a score row <paramref name="stride"/> wide, in 32-bit pairs.</summary>
    public static int PairStride(int stride) => stride / 2 + 2 * Vector512<float>.Count;

    /// <summary>
    /// Packs rows of bf16-valued probabilities (<paramref name="heads"/> rows <paramref name="stride"/> apart, zeros past
    /// <paramref name="length"/>) into pairs from key <paramref name="first"/> on: pair t of head h at
    /// pairs[h * pairStride + t] holds key first + 2t in its high half and key first + 2t + 1 (0 past the context) in its low.
    /// </summary>
    public static void Pack(float* weights, int heads, int stride, int first, int length, uint* pairs, int pairStride)
    {
        var count = (length - first + 1) / 2;
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odds = evens + Vector512<int>.One;
        for (var h = 0; h < heads; h++)
        {
            float* p = weights + h * stride + first;
            var into = pairs + h * pairStride;
            var t = 0;
            // Whole vectors while their 32 keys stay inside the row (those past the context are zeros there).
            for (; t < count && first + 2 * t + 2 * Vector512<float>.Count <= stride; t += Vector512<float>.Count)
            {
                Vector512<float> low = Vector512.Load(p + 2 * t), high = Vector512.Load(p + 2 * t + Vector512<float>.Count);
                var even = Avx512F.PermuteVar16x32x2(low, evens, high).AsUInt32();
                var odd = Avx512F.PermuteVar16x32x2(low, odds, high).AsUInt32();
                ((even & Vector512.Create(0xFFFF0000u)) | (odd >> 16)).Store(into + t);
            }
            for (; t < count; t++)
            {
                var next = first + 2 * t + 1 < length ? BitConverter.SingleToUInt32Bits(p[2 * t + 1]) >> 16 : 0;
                into[t] = (BitConverter.SingleToUInt32Bits(p[2 * t]) & 0xFFFF0000u) | next;
            }
        }
    }

    /// <summary>
    /// contexts[h * <paramref name="contextStride"/> + i] = Σ_s p_h[s]·V[s][i] for i below <see cref="Elements"/>, s over
    /// <paramref name="keys"/> keys in order, key s's row at <paramref name="values"/> + slots[s] x
    /// <paramref name="rowElements"/>; the probabilities as <see cref="Pack"/> left them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(ushort* values, long* slots, int keys, long rowElements, uint* pairs, int pairStride, int heads,
        float* contexts, int contextStride) =>
        ((delegate* unmanaged[SuppressGCTransition]<ushort*, long*, long, long, uint*, long, float*, long, void>)Entries![heads - 1])(
            values, slots, keys, rowElements * sizeof(ushort), pairs, (long)pairStride * sizeof(uint), contexts, (long)contextStride * sizeof(float));

    /// <summary>
    /// One head count's loop, System V arguments: rdi V (the slot-0 row at the elements summed), rsi slots, rdx keys,
    /// rcx row bytes, r8 pairs, r9 their row stride in bytes, then on the stack the contexts and their row stride in
    /// bytes. zmm0-7 the heads' sums of the elements 8L..8L+3 (lanes 4L..4L+3), zmm8-15 of 8L+4..8L+7, zmm16-17 two keys'
    /// rows, zmm18-19 their pairs; rbx the pairs of heads 4-7, r11 three pair rows, r12 whether a key is left unpaired.
    /// </summary>
    internal static byte[] Assemble(int heads)
    {
        var a = new Assembler(64) { PreferVex = false };                  // EVEX throughout: zmm16-31 and broadcasts exist only there
        AssemblerRegisterZMM[] low = [zmm0, zmm1, zmm2, zmm3, zmm4, zmm5, zmm6, zmm7];
        AssemblerRegisterZMM[] high = [zmm8, zmm9, zmm10, zmm11, zmm12, zmm13, zmm14, zmm15];
        AssemblerMemoryOperand Pair(int h) => (h % 4) switch
        {
            0 => __dword_bcst[h < 4 ? r8 : rbx],
            1 => __dword_bcst[(h < 4 ? r8 : rbx) + r9],
            2 => __dword_bcst[(h < 4 ? r8 : rbx) + r9 * 2],
            _ => __dword_bcst[(h < 4 ? r8 : rbx) + r11],
        };
        void RowAddress(AssemblerRegister64 into, int slot)
        {
            a.mov(into, __qword_ptr[rsi + slot * sizeof(long)]);
            a.imul(into, rcx);
            a.add(into, rdi);
        }
        void Accumulate()
        {
            // Per 128-bit lane L: elements 8L..8L+3, then 8L+4..8L+7, of both keys, key s in each pair's high half.
            a.vpunpcklwd(zmm18, zmm17, zmm16);
            a.vpunpckhwd(zmm19, zmm17, zmm16);
            for (var h = 0; h < heads; h++)
            {
                a.vdpbf16ps(low[h], zmm18, Pair(h));
                a.vdpbf16ps(high[h], zmm19, Pair(h));
            }
        }
        AssemblerRegister64[] saved = [rbx, r12];
        Avx512Bf16.Save(a, saved);
        a.lea(r11, __[r9 + r9 * 2]);
        a.lea(rbx, __[r8 + r9 * 4]);
        a.mov(r12, rdx);
        a.and(r12, 1);
        a.shr(rdx, 1);
        for (var h = 0; h < heads; h++)
        {
            a.vpxord(low[h], low[h], low[h]);
            a.vpxord(high[h], high[h], high[h]);
        }
        var loop = a.CreateLabel();
        var tail = a.CreateLabel();
        var store = a.CreateLabel();
        a.test(rdx, rdx);
        a.jz(tail);
        a.Label(ref loop);
        RowAddress(r10, 0);
        RowAddress(rax, 1);
        a.vmovdqu32(zmm16, __zmmword_ptr[r10]);
        a.vmovdqu32(zmm17, __zmmword_ptr[rax]);
        Accumulate();
        a.add(rsi, 2 * sizeof(long));
        a.add(r8, sizeof(uint));
        a.add(rbx, sizeof(uint));
        a.dec(rdx);
        a.jnz(loop);
        a.Label(ref tail);
        a.test(r12, r12);
        a.jz(store);
        RowAddress(r10, 0);                                              // the last key alone, beside a row of zeros (weight 0)
        a.vmovdqu32(zmm16, __zmmword_ptr[r10]);
        a.vpxord(zmm17, zmm17, zmm17);
        Accumulate();
        a.Label(ref store);
        a.mov(rax, __qword_ptr[rsp + 8 * (saved.Length + 1)]);          // the 7th argument, above the pushes and the return address
        a.mov(r10, __qword_ptr[rsp + 8 * (saved.Length + 2)]);
        for (var h = 0; h < heads; h++)
        {
            for (var lane = 0; lane < 4; lane++)
            {
                a.vextractf32x4(__xmmword_ptr[rax + 32 * lane], low[h], (byte)lane);
                a.vextractf32x4(__xmmword_ptr[rax + 32 * lane + 16], high[h], (byte)lane);
            }
            a.add(rax, r10);
        }
        return Avx512Bf16.Return(a, saved);
    }
}
