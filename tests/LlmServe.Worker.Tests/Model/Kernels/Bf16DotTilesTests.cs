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

    [Fact]
    public void EveryShape_IsATileLoopAroundAStepLoop_WithADotProductPerOutputAndStep()
    {
        for (var inputs = 1; inputs <= Tile; inputs++)
        {
            for (var rows = 1; rows <= Tile; rows++)
            {
                var code = Bf16DotTiles.Assemble(inputs, rows);
                var decoder = Decoder.Create(64, new ByteArrayCodeReader(code));
                var instructions = new List<Instruction>();
                while (decoder.IP < (ulong)code.Length)
                {
                    instructions.Add(decoder.Decode());
                }
                Assert.DoesNotContain(instructions, i => i.IsInvalid);
                Assert.Equal(inputs * rows, instructions.Count(i => i.Mnemonic == Mnemonic.Vdpbf16ps));
                Assert.Equal(rows, instructions.Count(i => i.Mnemonic == Mnemonic.Prefetcht0));
                Assert.Single(instructions, i => i.Mnemonic == Mnemonic.Vmovups);                     // a tile's 16 sums in one store
                Assert.Equal(2, instructions.Count(i => i.Mnemonic == Mnemonic.Jne));                 // the step and tile loops' back edges
                Assert.Equal(Mnemonic.Ret, instructions[^1].Mnemonic);
            }
        }
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
        var managed = new float[Tile * Tile];
        var assembled = new float[Tile * Tile];
        fixed (ushort* wp = w)
        fixed (float* xsp = xs, mp = managed, ap = assembled)
        {
            for (var inputs = 1; inputs <= Tile; inputs++)
            {
                for (var rows = 1; rows <= Tile; rows++)
                {
                    Bf16Gemv.Block512(xsp, stride, inputs, wp, k, rows, mp);
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
}
