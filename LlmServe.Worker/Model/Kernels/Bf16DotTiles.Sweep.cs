using System.Runtime.CompilerServices;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// A sweep: one tile of weight rows against consecutive blocks of input rows, the tile's weights read from the
/// first-level cache after the first block while the inputs stream from the second. Its tile is 3 inputs x 8 rows
/// rather than the square 4 x 4: what holds a tile below the instruction's rate is the operand that streams from the
/// second-level cache, 4 input vectors per 16 products in the square tile and 3 per 24 in this one (two cores each
/// over 64 MiB of weights, K = 896, 32 rows: ~290 -> ~340-360 GFLOP/s a core with the reduction left out of both).
/// </summary>
internal static unsafe partial class Bf16DotTiles
{
    /// <summary>Input rows in a sweep's block.</summary>
    public const int SweepInputs = 3;

    /// <summary>Most weight rows in a sweep's tile: 24 accumulators, 3 input vectors and 2 weight vectors of the 32 registers.</summary>
    public const int SweepRows = 8;

    /// <summary>Units of 16 sums a sweep leaves per block for a tile of <paramref name="rows"/> rows: one per 4 rows.</summary>
    public static int SweepUnits(int rows) => (rows + Tile - 1) / Tile;

    /// <summary>
    /// One tile of <paramref name="rows"/> (1-8) weight rows against <paramref name="blocks"/> blocks of
    /// <paramref name="inputs"/> (1-3) input rows, block b starting <paramref name="inputs"/> x
    /// <paramref name="xStrideBytes"/> after block b - 1. Each block leaves <see cref="SweepUnits"/> units of 16 sums,
    /// unit h holding input row i · weight row 4h + j at i * 4 + j, each sum as <see cref="Run"/> computes it (the same
    /// bits). Prefetches run a line a step from the next tile on, over all the blocks: about 1.25 tiles ahead at
    /// 10 blocks (30 rows).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunSweep(uint* x, long xStrideBytes, int inputs, uint* w, long wStrideBytes, int rows, long steps, long blocks, float* sums) =>
        ((delegate* unmanaged[SuppressGCTransition]<uint*, long, uint*, long, long, float*, long, void>)Entries![SweepEntry(inputs, rows)])(
            x, xStrideBytes, w, wStrideBytes, steps, sums, blocks);

    private static int SweepEntry(int inputs, int rows) => Passes * Tile * Tile + (inputs - 1) * SweepRows + rows - 1;

    /// <summary>
    /// A sweep's loops, System V arguments as <see cref="Assemble"/>'s with the block count on the stack. Registers:
    /// zmm0-23 accumulators (input i, row j at i * 8 + j; those of absent inputs and rows stay zero), zmm24-26 input
    /// vectors, zmm27-28 weight vectors (alternating, so a row's load need not wait for the row before's products),
    /// after the loop zmm24-27 zero stand-ins for the absent fourth input row the reduction reads and zmm29-30 its
    /// temporaries; rbx blocks left, r12 the tile's first weight row, r13 steps left, r14 a block's input bytes,
    /// r10/r11/r15 3, 5 and 7 weight strides, rax the prefetch address.
    /// </summary>
    internal static byte[] AssembleSweep(int inputs, int rows)
    {
        var a = new Assembler(64) { PreferVex = false };                  // EVEX throughout: zmm16-31 exist only there
        AssemblerRegisterZMM[] zmm = [zmm0, zmm1, zmm2, zmm3, zmm4, zmm5, zmm6, zmm7, zmm8, zmm9, zmm10, zmm11, zmm12, zmm13, zmm14, zmm15,
            zmm16, zmm17, zmm18, zmm19, zmm20, zmm21, zmm22, zmm23];
        AssemblerRegisterZMM[] input = [zmm24, zmm25, zmm26], spare = [zmm24, zmm25, zmm26, zmm27], weight = [zmm27, zmm28];
        AssemblerRegisterZMM Acc(int i, int j) => zmm[i * SweepRows + j];
        var units = SweepUnits(rows);
        AssemblerRegister64[] saved = [rbx, r12, r13, r14, r15];
        Avx512Bf16.Save(a, saved);
        a.mov(rbx, __qword_ptr[rsp + 48]);                               // the 7th argument, above 5 pushes and the return address
        a.lea(r10, __[rcx + rcx * 2]);
        a.lea(r11, __[rcx + rcx * 4]);
        a.lea(r15, __[r10 + rcx * 4]);
        a.imul(r14, rsi, inputs);
        a.mov(r12, rdx);
        a.imul(rax, rcx, rows);
        a.add(rax, r12);                                                 // the next tile's rows, asked for a line a step
        var blockLoop = a.CreateLabel();
        var stepLoop = a.CreateLabel();
        var reduce = a.CreateLabel();
        var done = a.CreateLabel();
        a.test(rbx, rbx);
        a.jz(done);
        a.Label(ref blockLoop);
        for (var i = 0; i < SweepInputs; i++)
        {
            for (var j = 0; j < units * Tile; j++)
            {
                a.vpxord(Acc(i, j), Acc(i, j), Acc(i, j));              // absent inputs and rows too: the reduction reads them
            }
        }
        a.mov(rdx, r12);
        a.push(rdi);
        a.mov(r13, r8);
        a.test(r13, r13);
        a.jz(reduce);
        a.Label(ref stepLoop);
        a.prefetcht0(__byte_ptr[rax]);
        for (var i = 0; i < inputs; i++)
        {
            a.vmovdqu32(input[i], __zmmword_ptr[InputRow(i)]);
        }
        for (var j = 0; j < rows; j++)
        {
            var w = weight[j % 2];
            a.vmovdqu32(w, __zmmword_ptr[WeightRow(j)]);
            for (var i = 0; i < inputs; i++)
            {
                a.vdpbf16ps(Acc(i, j), w, input[i]);
            }
        }
        a.add(rdx, VectorBytes);
        a.add(rdi, VectorBytes);
        a.add(rax, VectorBytes);
        a.dec(r13);
        a.jnz(stepLoop);
        a.Label(ref reduce);
        a.pop(rdi);
        a.add(rdi, r14);                                                 // the next block of input rows
        for (var h = 0; h < units; h++)
        {
            foreach (var z in spare)
            {
                a.vpxord(z, z, z);
            }
            // Key 4 j + i is input i's accumulator of the unit's row j (the fourth input a zero stand-in), as Assemble's.
            ReduceSixteen(a, [.. Enumerable.Range(0, Tile * Tile).Select(key => key % Tile < SweepInputs ? Acc(key % Tile, h * Tile + key / Tile) : spare[key / Tile])],
                zmm29, zmm30);
            a.vmovups(__zmmword_ptr[r9 + h * VectorBytes], Acc(0, h * Tile));
        }
        a.add(r9, units * Tile * Tile * sizeof(float));
        a.dec(rbx);
        a.jnz(blockLoop);
        a.Label(ref done);
        return Avx512Bf16.Return(a, saved);
    }

    /// <summary>Input row i (0-2) of the block at rdi, rows rsi apart.</summary>
    private static AssemblerMemoryOperand InputRow(int i) => i switch
    {
        0 => __[rdi],
        1 => __[rdi + rsi],
        _ => __[rdi + rsi * 2],
    };

    /// <summary>Weight row j (0-7) of the tile at rdx, rows rcx apart (r10, r11, r15: 3, 5 and 7 strides).</summary>
    private static AssemblerMemoryOperand WeightRow(int j) => j switch
    {
        0 => __[rdx],
        1 => __[rdx + rcx],
        2 => __[rdx + rcx * 2],
        3 => __[rdx + r10],
        4 => __[rdx + rcx * 4],
        5 => __[rdx + r11],
        6 => __[rdx + r10 * 2],
        _ => __[rdx + r15],
    };
}
