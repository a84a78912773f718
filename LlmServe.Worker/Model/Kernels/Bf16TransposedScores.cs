using System.Runtime.CompilerServices;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// <see cref="Bf16DecodeAttention"/>'s transposed scores in AVX512_BF16, assembled at startup: a block of 16 keys kept
/// as bf16 pairs (pair p of key j in lane j of vector p) and each query head's pair broadcast from its bf16 row, so one
/// VDPBF16PS adds both products of a pair for 16 keys where the managed loop widens the pair into two float vectors and
/// spends two fused multiply-adds. .NET 10 has no intrinsic for it (see <see cref="Bf16DotTiles"/>).
/// </summary>
/// <remarks>
/// Same bits as <c>Bf16DecodeAttention.ScoreTransposed</c>: per head and lane two chains, one over the even pairs and one
/// over the odd ones, each adding a pair's odd product and then its even one (what the instruction does, each an exact
/// product rounded once into float32), then the two chains' sum. It differs only in treating subnormal operands and
/// results as zero, which queries and keys of a trained model do not reach.
/// </remarks>
internal static unsafe class Bf16TransposedScores
{
    /// <summary>Query heads one call scores (one to four), as <c>Bf16DecodeAttention</c>'s passes take them.</summary>
    public const int MaxHeads = 4;

    private const int VectorBytes = 64;

    /// <summary>Entry points for 1-4 heads; null where the CPU, OS or switch offers none.</summary>
    private static readonly nint[]? Entries = Avx512Bf16.Load(MaxHeads, i => Assemble(i + 1));

    /// <summary>Whether the transposed scores run the assembled loop (<see cref="Avx512Bf16.IsWanted"/> and executable memory granted).</summary>
    public static bool IsSupported => Entries is not null;

    /// <summary>
    /// scores[h * <paramref name="stride"/> + j] = query head h · key j of a block transposed as pairs, for
    /// <paramref name="heads"/> heads whose bf16 rows lie <paramref name="d"/> elements apart from <paramref name="queries"/>.
    /// </summary>
    /// <param name="pairs">(D / 2, 16) 32-bit lanes: pair p of key j at [p, j].</param>
    /// <param name="d">The head size, a multiple of 4.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(ushort* queries, int heads, int d, uint* pairs, float* scores, int stride) =>
        ((delegate* unmanaged[SuppressGCTransition]<ushort*, long, uint*, long, float*, long, void>)Entries![heads - 1])(
            queries, (long)d * sizeof(ushort), pairs, d / 2, scores, (long)stride * sizeof(float));

    /// <summary>
    /// One head count's loop, System V arguments: rdi queries, rsi their row stride in bytes, rdx the pairs, rcx the pair
    /// count (even), r8 scores, r9 their row stride in bytes. zmm0-3 the heads' even-pair chains, zmm4-7 their odd-pair
    /// chains, zmm16-17 a pair of key vectors; r10 three query rows, r11 three score rows.
    /// </summary>
    internal static byte[] Assemble(int heads)
    {
        var a = new Assembler(64) { PreferVex = false };                  // EVEX throughout: zmm16-31 and broadcasts exist only there
        AssemblerRegisterZMM[] even = [zmm0, zmm1, zmm2, zmm3], odd = [zmm4, zmm5, zmm6, zmm7];
        AssemblerMemoryOperand Query(int h, int displacement) => h switch
        {
            0 => __dword_bcst[rdi + displacement],
            1 => __dword_bcst[rdi + rsi + displacement],
            2 => __dword_bcst[rdi + rsi * 2 + displacement],
            _ => __dword_bcst[rdi + r10 + displacement],
        };
        a.lea(r10, __[rsi + rsi * 2]);
        a.lea(r11, __[r9 + r9 * 2]);
        for (var h = 0; h < heads; h++)
        {
            a.vpxord(even[h], even[h], even[h]);
            a.vpxord(odd[h], odd[h], odd[h]);
        }
        var loop = a.CreateLabel();
        a.shr(rcx, 1);
        a.Label(ref loop);
        a.vmovdqu32(zmm16, __zmmword_ptr[rdx]);
        a.vmovdqu32(zmm17, __zmmword_ptr[rdx + VectorBytes]);
        for (var h = 0; h < heads; h++)
        {
            a.vdpbf16ps(even[h], zmm16, Query(h, 0));
            a.vdpbf16ps(odd[h], zmm17, Query(h, sizeof(uint)));
        }
        a.add(rdx, 2 * VectorBytes);
        a.add(rdi, 2 * sizeof(uint));
        a.dec(rcx);
        a.jnz(loop);
        for (var h = 0; h < heads; h++)
        {
            a.vaddps(even[h], even[h], odd[h]);
            a.vmovups(h switch
            {
                0 => __zmmword_ptr[r8],
                1 => __zmmword_ptr[r8 + r9],
                2 => __zmmword_ptr[r8 + r9 * 2],
                _ => __zmmword_ptr[r8 + r11],
            }, even[h]);
        }
        return Avx512Bf16.Return(a, []);
    }
}
