using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Iced.Intel;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>
/// The assembled AVX512_BF16 tile loops: what each shape's code holds (checked on any CPU), that a CPU with the
/// instruction runs them, and their sums against the managed tiles at magnitudes where rounding order shows.
/// </summary>
public sealed unsafe class Bf16DotTilesTests
{
    private const int Tile = Bf16Gemv.MaxTile;

    [Theory]
    [InlineData(nameof(TilePass.Whole))]
    [InlineData(nameof(TilePass.First))]
    [InlineData(nameof(TilePass.Middle))]
    [InlineData(nameof(TilePass.Last))]
    public void EveryShape_IsATileLoopAroundAStepLoop_WithADotProductPerOutputAndStep(string passName)
    {
        var pass = Enum.Parse<TilePass>(passName);
        bool resumes = pass is TilePass.Middle or TilePass.Last, keeps = pass is TilePass.First or TilePass.Middle;
        for (var inputs = 1; inputs <= Tile; inputs++)
        {
            for (var rows = 1; rows <= Tile; rows++)
            {
                var instructions = Decode(Bf16DotTiles.Assemble(inputs, rows, pass));
                var outputs = inputs * rows;
                Assert.DoesNotContain(instructions, i => i.IsInvalid);
                Assert.Equal(outputs, instructions.Count(i => i.Mnemonic == Mnemonic.Vdpbf16ps));
                Assert.Equal(rows, instructions.Count(i => i.Mnemonic == Mnemonic.Prefetcht0));
                // Loads and stores of a tile's accumulators (kept between stretches) or its 16 sums in one store.
                var loads = instructions.Count(i => i.Mnemonic == Mnemonic.Vmovups && i.Op1Kind == OpKind.Memory);
                var stores = instructions.Count(i => i.Mnemonic == Mnemonic.Vmovups && i.Op0Kind == OpKind.Memory);
                Assert.Equal(resumes ? outputs : 0, loads);
                Assert.Equal(keeps ? outputs : 1, stores);
                Assert.Equal(2, instructions.Count(i => i.Mnemonic == Mnemonic.Jne));                 // the step and tile loops' back edges
                AssertSavesRegistersAndReadsStackArguments(instructions, resumes || keeps ? 2 : 1);
            }
        }
    }

    [Fact]
    public void EverySweepShape_IsABlockLoopAroundAStepLoop_WithADotProductPerOutputAndStep_AndAStorePerUnit()
    {
        for (var inputs = 1; inputs <= Bf16DotTiles.SweepInputs; inputs++)
        {
            for (var rows = 1; rows <= Bf16DotTiles.SweepRows; rows++)
            {
                var instructions = Decode(Bf16DotTiles.AssembleSweep(inputs, rows));
                Assert.DoesNotContain(instructions, i => i.IsInvalid);
                Assert.Equal(inputs * rows, instructions.Count(i => i.Mnemonic == Mnemonic.Vdpbf16ps));
                Assert.Equal(inputs + rows, instructions.Count(i => i.Mnemonic == Mnemonic.Vmovdqu32));   // each input and weight vector once a step
                Assert.Equal(1, instructions.Count(i => i.Mnemonic == Mnemonic.Prefetcht0));
                Assert.Equal(Bf16DotTiles.SweepUnits(rows), instructions.Count(i => i.Mnemonic == Mnemonic.Vmovups && i.Op0Kind == OpKind.Memory));
                Assert.Equal(0, instructions.Count(i => i.Mnemonic == Mnemonic.Vmovups && i.Op1Kind == OpKind.Memory));
                Assert.Equal(2, instructions.Count(i => i.Mnemonic == Mnemonic.Jne));                 // the step and block loops' back edges
                AssertSavesRegistersAndReadsStackArguments(instructions, 1);
            }
        }
    }

    private static List<Instruction> Decode(byte[] code)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code));
        var instructions = new List<Instruction>();
        while (decoder.IP < (ulong)code.Length)
        {
            instructions.Add(decoder.Decode());
        }
        return instructions;
    }

    /// <summary>Callee-saved registers come back, and the stack arguments are read above the pushes and the return address.</summary>
    private static void AssertSavesRegistersAndReadsStackArguments(List<Instruction> instructions, int stackArguments)
    {
        var pushes = instructions.Where(i => i.Mnemonic == Mnemonic.Push).Select(i => i.Op0Register).ToList();
        var pops = instructions.Where(i => i.Mnemonic == Mnemonic.Pop).Select(i => i.Op0Register).ToList();
        pops.Reverse();
        Assert.Equal(pushes, pops);
        var read = instructions.Where(i => i.Op1Kind == OpKind.Memory && i.MemoryBase == Register.RSP)
            .Select(i => (long)i.MemoryDisplacement64).Order().ToArray();
        var saved = 8 * pushes.Count(r => r != Register.RDI);                                            // rdi is pushed per tile or block, after the reads
        Assert.Equal(Enumerable.Range(1, stackArguments).Select(a => saved + 8L * a), read);
        Assert.Equal(Mnemonic.Ret, instructions[^1].Mnemonic);
    }

    [Fact]
    public void ACpuWithAvx512Bf16_RunsTheAssembledTiles()
    {
        var hasInstruction = Vector512.IsHardwareAccelerated && X86Base.IsSupported && X86Base.CpuId(7, 0).Eax >= 1
            && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;
        Assert.SkipUnless(hasInstruction, "this CPU has no AVX512_BF16");
        Assert.SkipWhen(Bf16DotTiles.IsSwitchedOff, $"{Bf16DotTiles.Switch}=0 keeps the managed tiles");
        Assert.True(Bf16DotTiles.IsSupported, "AVX512_BF16 is present but the tiles were not assembled or mapped");
    }

    [Theory]
    [InlineData(32)]      // one iteration, no tail
    [InlineData(896)]
    [InlineData(903)]     // iterations, 3 scalar pairs and an odd last element
    public void AssembledTiles_GiveTheManagedTilesBits(int k)
    {
        Assert.SkipUnless(Bf16DotTiles.IsSupported, "the assembled tiles need AVX512_BF16");
        var random = new Random(k);
        // Values over 2^-20..2^20 with cancelling signs: two roundings per pair in another order would show.
        var x = Bf16Inputs.Random(random, Tile * k, -20, 20);
        var w = Bf16Inputs.Random(random, Tile * k, -20, 20);
        var stride = Bf16Gemv.InputStride(k);
        var xs = Bf16Inputs.Prepare(x, Tile, k);
        var xf = Bf16Inputs.PrepareFloats(x, Tile, k);
        var managed = new float[Tile * Tile];
        var assembled = new float[Tile * Tile];
        fixed (ushort* wp = w)
        fixed (float* xsp = xs, xfp = xf, mp = managed, ap = assembled)
        {
            for (var inputs = 1; inputs <= Tile; inputs++)
            {
                for (var rows = 1; rows <= Tile; rows++)
                {
                    Bf16Gemv.Block512(xfp, Bf16Gemv.FloatStride(k), inputs, wp, k, rows, mp);
                    Bf16Gemv.BlockBf16(xsp, stride, inputs, wp, k, rows, 1, ap);
                    for (var i = 0; i < inputs * Tile; i++)
                    {
                        if (i % Tile < rows)
                        {
                            Assert.Equal(BitConverter.SingleToUInt32Bits(managed[i]), BitConverter.SingleToUInt32Bits(assembled[i]));
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(2304)]    // 4 rows of 72 steps: two stretches, no middle one
    [InlineData(4864)]    // an FFN's down projection: four stretches
    [InlineData(5003)]    // stretches of unequal steps, 11 scalar pairs and an odd last element
    public void StretchedTiles_GiveTheManagedTilesBits(int k)
    {
        Assert.SkipUnless(Bf16DotTiles.IsSupported, "the assembled tiles need AVX512_BF16");
        Assert.True(Bf16Gemv.Stretches(Tile, k / 32) > 1, "the case must split K");
        AssertEveryShapeGivesTheManagedTilesBits(k, tiles: 5, (xs, stride, inputs, w, rows, tiles, sums) =>
            Bf16Gemv.BlockBf16(xs, stride, inputs, w, k, rows, tiles, sums));
    }

    [Theory]
    [InlineData(1024, 2)]    // First and Last
    [InlineData(1024, 3)]    // and one Middle
    [InlineData(4864, 5)]    // three Middle, at any input count (one or two rows split only past K = 8192 or 4096)
    public void AnyNumberOfStretches_GivesTheManagedTilesBits_ForEveryShape(int k, int stretches)
    {
        Assert.SkipUnless(Bf16DotTiles.IsSupported, "the assembled tiles need AVX512_BF16");
        AssertEveryShapeGivesTheManagedTilesBits(k, tiles: 3, (xs, stride, inputs, w, rows, tiles, sums) =>
            Bf16Gemv.RunStretches(xs, stride, inputs, w, k, rows, tiles, sums, k / 32, stretches));       // K has no scalar tail
    }

    [Theory]
    [InlineData(32)]      // one step
    [InlineData(896)]
    [InlineData(4864)]
    public void Sweeps_GiveTheManagedTilesBits_ForEveryShape(int k)
    {
        Assert.SkipUnless(Bf16DotTiles.IsSupported, "the assembled tiles need AVX512_BF16");
        const int blocks = 4, units = 2;
        var inputRows = blocks * Bf16DotTiles.SweepInputs;
        var random = new Random(k + 7);
        var x = Bf16Inputs.Random(random, inputRows * k, -20, 20);
        var w = Bf16Inputs.Random(random, Bf16DotTiles.SweepRows * k, -20, 20);
        var stride = Bf16Gemv.InputStride(k);
        var xs = Bf16Inputs.Prepare(x, inputRows, k);
        var floatStride = Bf16Gemv.FloatStride(k);
        var xf = Bf16Inputs.PrepareFloats(x, inputRows, k);
        var managed = new float[1];
        var swept = new float[blocks * units * Tile * Tile];
        fixed (ushort* wp = w)
        fixed (float* xsp = xs, xfp = xf, mp = managed, sp = swept)
        {
            for (var inputs = 1; inputs <= Bf16DotTiles.SweepInputs; inputs++)
            {
                for (var rows = 1; rows <= Bf16DotTiles.SweepRows; rows++)
                {
                    Array.Fill(swept, float.NaN);
                    Bf16DotTiles.RunSweep((uint*)(xsp + Bf16Gemv.PairsOffset(k)), (long)stride * sizeof(float), inputs, (uint*)wp, (long)k * sizeof(ushort), rows,
                        k / 32, blocks, sp);
                    for (var b = 0; b < blocks; b++)
                    {
                        for (var i = 0; i < inputs; i++)
                        {
                            for (var j = 0; j < rows; j++)
                            {
                                Bf16Gemv.Block512(xfp + (long)(b * inputs + i) * floatStride, floatStride, 1, wp + (long)j * k, k, 1, mp);
                                var unit = b * Bf16DotTiles.SweepUnits(rows) + j / Tile;
                                Assert.Equal(BitConverter.SingleToUInt32Bits(managed[0]), BitConverter.SingleToUInt32Bits(swept[unit * Tile * Tile + i * Tile + j % Tile]));
                            }
                        }
                    }
                }
            }
        }
    }

    private delegate void TileRun(float* xs, int stride, int inputs, ushort* w, int rows, int tiles, float* sums);

    /// <summary><paramref name="run"/>'s sums for every shape against the managed tiles', tile by tile, over random rows.</summary>
    private static void AssertEveryShapeGivesTheManagedTilesBits(int k, int tiles, TileRun run)
    {
        var random = new Random(k + tiles);
        var x = Bf16Inputs.Random(random, Tile * k, -20, 20);
        var w = Bf16Inputs.Random(random, tiles * Tile * k, -20, 20);
        var stride = Bf16Gemv.InputStride(k);
        var xs = Bf16Inputs.Prepare(x, Tile, k);
        var xf = Bf16Inputs.PrepareFloats(x, Tile, k);
        var managed = new float[Tile * Tile];
        var assembled = new float[tiles * Tile * Tile];
        fixed (ushort* wp = w)
        fixed (float* xsp = xs, xfp = xf, mp = managed, ap = assembled)
        {
            for (var inputs = 1; inputs <= Tile; inputs++)
            {
                for (var rows = 1; rows <= Tile; rows++)
                {
                    run(xsp, stride, inputs, wp, rows, tiles, ap);
                    for (var t = 0; t < tiles; t++)
                    {
                        Bf16Gemv.Block512(xfp, Bf16Gemv.FloatStride(k), inputs, wp + (long)t * rows * k, k, rows, mp);
                        for (var i = 0; i < inputs * Tile; i++)
                        {
                            if (i % Tile < rows)
                            {
                                Assert.Equal(BitConverter.SingleToUInt32Bits(managed[i]), BitConverter.SingleToUInt32Bits(assembled[t * Tile * Tile + i]));
                            }
                        }
                    }
                }
            }
        }
    }
}
