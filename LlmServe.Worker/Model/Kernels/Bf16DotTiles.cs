using System.Runtime.CompilerServices;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// The vector loop of <see cref="Bf16Gemv"/>'s register tiles in AVX512_BF16, assembled at startup. VDPBF16PS
/// multiplies 16 pairs of bf16 elements and adds both products of a pair into a float32 lane: one instruction where
/// the managed tiles spend two fused multiply-adds and share two widening ops. A 32-row decode step, which the managed
/// tiles run at the float32 FMA peak, is compute-bound, so this doubles the arithmetic per instruction (1.3-1.7x the
/// managed tiles' rate in-process once memory and the loops around it take their share). .NET 10 has no intrinsic for
/// it, so each tile shape's loops are assembled (Iced) into executable memory once per process.
/// </summary>
/// <remarks>
/// The instruction adds a lane's odd product and then its even one, each rounded to float32; both products are exact
/// in float32, so that is the managed tiles' two FMAs in the same order, and a row gets the same bits on CPUs with and
/// without it. It differs only in treating subnormal operands and results as zero (magnitudes below 2^-126, which
/// trained weights and normed activations do not reach). A process uses it for every tile or for none
/// (<see cref="IsSupported"/>), so a row's result never depends on its batch.
/// </remarks>
internal static unsafe partial class Bf16DotTiles
{
    /// <summary>Pairs of elements each iteration takes from every row: one 512-bit vector of bf16 pairs.</summary>
    public const int PairsPerStep = 16;

    /// <summary>Setting this environment variable to 0 keeps the managed tiles (to compare the two).</summary>
    public const string Switch = Avx512Bf16.Switch;

    private const int Tile = Bf16Gemv.MaxTile;
    private const int VectorBytes = 64;
    private const int Passes = 4;

    /// <summary>
    /// Entry points by pass and shape at (pass * MaxTile + inputs - 1) * MaxTile + rows - 1, then the sweeps' by shape
    /// (<see cref="SweepEntry"/>); null where the CPU or OS offers none.
    /// </summary>
    private static readonly nint[]? Entries = Load();

    /// <summary>Whether tiles run the assembled loop: AVX512_BF16 present, executable memory granted, not switched off.</summary>
    public static bool IsSupported => Entries is not null;

    /// <summary>Whether <see cref="Switch"/> is 0, which keeps the managed tiles whatever the CPU has.</summary>
    public static bool IsSwitchedOff => Avx512Bf16.IsSwitchedOff;

    /// <summary>
    /// For each of <paramref name="tiles"/> tiles of <paramref name="rows"/> consecutive weight rows (tile t starting
    /// <paramref name="rows"/> x <paramref name="wStrideBytes"/> after tile t - 1): sums[t * 16 + i * MaxTile + j] =
    /// input row i · the tile's weight row j over the first <paramref name="steps"/> x 16 pairs (rows read as 32-bit
    /// lanes of bf16 pairs), its 16 lanes added in <c>Bf16Gemv.Reduce</c>'s tree. Meanwhile the rows after each tile's
    /// are prefetched at the pace it reads its own (see <c>Bf16Gemv.PrefetchNext</c>).
    /// </summary>
    /// <param name="x">Input rows' pairs, <paramref name="xStrideBytes"/> apart; 1-4 rows.</param>
    /// <param name="w">The first tile's weight rows' pairs, <paramref name="wStrideBytes"/> apart; 1-4 rows a tile.</param>
    /// <param name="sums">16 floats per tile; those of absent rows and inputs are left undefined.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(uint* x, long xStrideBytes, int inputs, uint* w, long wStrideBytes, int rows, long steps, long tiles, float* sums) =>
        Entry(TilePass.Whole, inputs, rows)(x, xStrideBytes, w, wStrideBytes, steps, sums, tiles, null);

    /// <summary>
    /// One stretch of <paramref name="steps"/> x 16 pairs of a dot product split along K (<paramref name="x"/> and
    /// <paramref name="w"/> point at the stretch's first pair): <see cref="Run"/>'s tiles, but a tile's 16 accumulators
    /// start from <paramref name="lanes"/> (<see cref="LaneBytesPerTile"/> a tile, as the stretch before left them)
    /// unless the pass is <see cref="TilePass.First"/>, and are left there unless it is <see cref="TilePass.Last"/>,
    /// which reduces them into <paramref name="sums"/>. Accumulators pass through memory unrounded, so the stretches add
    /// exactly what one pass adds: the same bits. Prefetches follow the next tile's rows at the stretch's columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunStretch(TilePass pass, uint* x, long xStrideBytes, int inputs, uint* w, long wStrideBytes, int rows, long steps,
        long tiles, float* lanes, float* sums) =>
        Entry(pass, inputs, rows)(x, xStrideBytes, w, wStrideBytes, steps, sums, tiles, lanes);

    /// <summary>Bytes of accumulators a tile leaves between stretches: 16 vectors.</summary>
    public const int LaneBytesPerTile = Tile * Tile * VectorBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static delegate* unmanaged[SuppressGCTransition]<uint*, long, uint*, long, long, float*, long, float*, void> Entry(TilePass pass, int inputs, int rows) =>
        (delegate* unmanaged[SuppressGCTransition]<uint*, long, uint*, long, long, float*, long, float*, void>)Entries![(int)pass * Tile * Tile + (inputs - 1) * Tile + rows - 1];

    /// <summary>
    /// Entry i: for i below Passes x MaxTile x MaxTile, pass i / MaxTile², inputs (i / MaxTile) % MaxTile + 1, rows
    /// i % MaxTile + 1; after them the sweeps', inputs then rows (<see cref="SweepEntry"/>).
    /// </summary>
    private static nint[]? Load() => Avx512Bf16.Load(Passes * Tile * Tile + SweepInputs * SweepRows, i =>
    {
        if (i < Passes * Tile * Tile)
        {
            return Assemble(i / Tile % Tile + 1, i % Tile + 1, (TilePass)(i / (Tile * Tile)));
        }
        var sweep = i - Passes * Tile * Tile;
        return AssembleSweep(sweep / SweepRows + 1, sweep % SweepRows + 1);
    });

    /// <summary>
    /// One tile shape's loops, System V arguments: rdi x, rsi x stride, rdx w, rcx w stride, r8 steps, r9 sums, then on
    /// the stack the tile count and, for a stretch (<see cref="TilePass"/>), where the accumulators are kept. Registers:
    /// zmm0-15 accumulators (input i, row j at i * 4 + j; those of absent inputs and rows zero in the passes that
    /// reduce), zmm16-19 weight vectors, zmm20 an input vector, zmm21-22 the reduction's temporaries; rbx tiles left,
    /// r12 the tile's first weight row, r13 steps left, r14 the tile's kept accumulators, rax the prefetch address.
    /// </summary>
    internal static byte[] Assemble(int inputs, int rows, TilePass pass = TilePass.Whole)
    {
        var a = new Assembler(64) { PreferVex = false };                  // EVEX throughout: zmm16-31 exist only there
        AssemblerRegisterZMM[] zmm = [zmm0, zmm1, zmm2, zmm3, zmm4, zmm5, zmm6, zmm7, zmm8, zmm9, zmm10, zmm11, zmm12, zmm13, zmm14, zmm15];
        AssemblerRegisterZMM[] weights = [zmm16, zmm17, zmm18, zmm19];
        var input = zmm20;
        AssemblerRegisterZMM Acc(int i, int j) => zmm[i * Tile + j];
        var stretch = pass != TilePass.Whole;
        bool resume = pass is TilePass.Middle or TilePass.Last, keep = pass is TilePass.First or TilePass.Middle;
        bool Used(int key) => key / Tile < inputs && key % Tile < rows;
        AssemblerRegister64[] saved = stretch ? [rbx, r12, r13, r14] : [rbx, r12, r13];
        Avx512Bf16.Save(a, saved);
        if (stretch)
        {
            a.mov(r14, __qword_ptr[rsp + 48]);                           // the 8th argument, above 4 pushes, the return address and the 7th
        }
        a.mov(rbx, __qword_ptr[rsp + (stretch ? 40 : 32)]);              // the 7th argument, above the pushes and the return address
        a.lea(r10, __[rcx + rcx * 2]);                                   // 3 weight rows
        a.lea(r11, __[rsi + rsi * 2]);                                   // 3 input rows
        a.mov(r12, rdx);
        var tileLoop = a.CreateLabel();
        var stepLoop = a.CreateLabel();
        var reduce = a.CreateLabel();
        var done = a.CreateLabel();
        a.test(rbx, rbx);
        a.jz(done);
        a.Label(ref tileLoop);
        for (var key = 0; key < zmm.Length; key++)
        {
            if (resume && Used(key))
            {
                a.vmovups(zmm[key], __zmmword_ptr[r14 + key * VectorBytes]);
            }
            else if (!keep || Used(key))
            {
                a.vpxord(zmm[key], zmm[key], zmm[key]);                  // absent inputs and rows too: the reduction reads all 16
            }
        }
        a.mov(rdx, r12);
        a.imul(rax, rcx, rows);
        a.add(r12, rax);                                                 // the next tile's first row (a stretch: at its columns)
        a.mov(rax, r12);                                                 // the rows after the tile's
        a.push(rdi);
        a.mov(r13, r8);
        a.test(r13, r13);
        a.jz(reduce);
        a.Label(ref stepLoop);
        for (var line = 0; line < rows; line++)
        {
            // Whole rows: the next tile's bytes as one stream; a stretch: the next tile's rows at the columns read now.
            a.prefetcht0(stretch ? __byte_ptr[Row(rax, rcx, r10, line)] : __byte_ptr[rax + line * VectorBytes]);
        }
        for (var j = 0; j < rows; j++)
        {
            a.vmovdqu32(weights[j], __zmmword_ptr[Row(rdx, rcx, r10, j)]);
        }
        for (var i = 0; i < inputs; i++)
        {
            a.vmovdqu32(input, __zmmword_ptr[Row(rdi, rsi, r11, i)]);
            for (var j = 0; j < rows; j++)
            {
                a.vdpbf16ps(Acc(i, j), weights[j], input);
            }
        }
        a.add(rdx, VectorBytes);
        a.add(rdi, VectorBytes);
        a.add(rax, stretch ? VectorBytes : rows * VectorBytes);
        a.dec(r13);
        a.jnz(stepLoop);
        a.Label(ref reduce);
        a.pop(rdi);
        if (keep)
        {
            for (var key = 0; key < zmm.Length; key++)
            {
                if (Used(key))
                {
                    a.vmovups(__zmmword_ptr[r14 + key * VectorBytes], zmm[key]);
                }
            }
        }
        else
        {
            ReduceSixteen(a, [.. Enumerable.Range(0, Tile * Tile).Select(key => Acc(key % Tile, key / Tile))], zmm21, zmm22);
            a.vmovups(__zmmword_ptr[r9], zmm0);                          // key 0's register: Acc(0, 0)
            a.add(r9, Tile * Tile * sizeof(float));
        }
        if (stretch)
        {
            a.add(r14, LaneBytesPerTile);
        }
        a.dec(rbx);
        a.jnz(tileLoop);
        a.Label(ref done);
        return Avx512Bf16.Return(a, saved);
    }

    /// <summary>
    /// The sums of 16 accumulators into the first key's register, key k's in element 4 (k % 4) + k / 4, each by Bf16Gemv.Reduce's tree
    /// (lanes i + (i + 8), then i + (i + 4), then (0 + 2) + (1 + 3)) with the lanes of several keys paired by shuffles,
    /// as <c>Bf16DecodeAttention.Score16</c> does: ~50 instructions instead of ~9 per key. Overwrites the accumulators;
    /// <paramref name="t0"/> and <paramref name="t1"/> are its temporaries.
    /// Keys are given so that accumulator (i, j) is key 4 j + i, which puts its sum at element 4 i + j.
    /// </summary>
    private static void ReduceSixteen(Assembler a, AssemblerRegisterZMM[] keys, AssemblerRegisterZMM t0, AssemblerRegisterZMM t1)
    {
        void Combine(AssemblerRegisterZMM into, AssemblerRegisterZMM x, AssemblerRegisterZMM y, int low, int high, bool lanes128)
        {
            if (lanes128)
            {
                a.vshuff32x4(t0, x, y, (byte)low);
                a.vshuff32x4(t1, x, y, (byte)high);
            }
            else
            {
                a.vshufps(t0, x, y, (byte)low);
                a.vshufps(t1, x, y, (byte)high);
            }
            a.vaddps(into, t0, t1);
        }
        // Halves: lanes i + (i + 8) of keys 2n and 2n + 1, in the low and high 256 bits of keys[2n].
        for (var n = 0; n < 8; n++)
        {
            Combine(keys[2 * n], keys[2 * n], keys[2 * n + 1], 0x44, 0xEE, lanes128: true);
        }
        // Quarters: lanes i + (i + 4) of four keys, one per 128-bit lane of keys[4n]; then (0 + 2) and (1 + 3) in its first two elements.
        for (var n = 0; n < 4; n++)
        {
            Combine(keys[4 * n], keys[4 * n], keys[4 * n + 2], 0x88, 0xDD, lanes128: true);
            a.vshufps(t0, keys[4 * n], keys[4 * n], 0x4E);
            a.vaddps(keys[4 * n], keys[4 * n], t0);
        }
        // Keys i and 4 + i, then 8 + i and 12 + i, side by side in 128-bit lane i; then (0 + 2) + (1 + 3).
        a.vshufps(keys[0], keys[0], keys[4], 0x44);
        a.vshufps(keys[8], keys[8], keys[12], 0x44);
        Combine(keys[0], keys[0], keys[8], 0x88, 0xDD, lanes128: false);
    }

    /// <summary>Row r (0-3) of a block that starts at <paramref name="first"/>, rows <paramref name="stride"/> apart (<paramref name="triple"/> = 3 strides).</summary>
    private static AssemblerMemoryOperand Row(AssemblerRegister64 first, AssemblerRegister64 stride, AssemblerRegister64 triple, int r) => r switch
    {
        0 => __[first],
        1 => __[first + stride],
        2 => __[first + stride * 2],
        _ => __[first + triple],
    };
}
