using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>
/// The bf16 GEMV's register tiles: every tile shape and both vector widths give an output the bits of that output
/// computed alone, which is what makes a row's result independent of its batch.
/// </summary>
public sealed unsafe class Bf16GemvTests
{
    private const int Tile = Bf16Gemv.MaxTile;

    [Theory]
    [InlineData(10)]     // scalar pairs only
    [InlineData(33)]     // one 16-pair iteration and the odd last element
    [InlineData(50)]     // a 16-pair iteration and 9 scalar pairs
    [InlineData(97)]     // three iterations, odd K
    [InlineData(896)]    // the benchmark's hidden size: whole iterations
    [InlineData(4864)]   // its FFN width
    public void EveryTileShape_AndBothVectorWidths_GiveEachOutputItsOwnBits(int k)
    {
        var random = new Random(k);
        var x = RandomBf16(random, Tile * k);
        var w = RandomBf16(random, Tile * k);
        var stride = Bf16Gemv.InputStride(k);
        var xs = new float[Tile * stride];
        var sums = new float[Tile * Tile];
        var alone = new float[Tile * Tile];
        fixed (ushort* xp = x, wp = w)
        fixed (float* xsp = xs, sp = sums, ap = alone)
        {
            Bf16Gemv.PrepareInput(xp, Tile, k, xsp);
            for (var i = 0; i < Tile; i++)
            {
                for (var j = 0; j < Tile; j++)
                {
                    Bf16Gemv.Block512(xsp + i * stride, stride, 1, wp + j * k, k, 1, ap + i * Tile + j);
                    var exact = 0.0;
                    for (var e = 0; e < k; e++)
                    {
                        exact += (double)Bf16.ToSingle(x[i * k + e]) * Bf16.ToSingle(w[j * k + e]);
                    }
                    Assert.InRange(Math.Abs(ap[i * Tile + j] - exact), 0, 1e-5 * k);
                }
            }
            for (var inputs = 1; inputs <= Tile; inputs++)
            {
                for (var rows = 1; rows <= Tile; rows++)
                {
                    foreach (var wide in new[] { true, false })
                    {
                        Array.Clear(sums);
                        if (wide)
                        {
                            Bf16Gemv.Block512(xsp, stride, inputs, wp, k, rows, sp);
                        }
                        else
                        {
                            Bf16Gemv.Block256(xsp, stride, inputs, wp, k, rows, sp);
                        }
                        for (var i = 0; i < inputs; i++)
                        {
                            for (var j = 0; j < rows; j++)
                            {
                                Assert.True(BitConverter.SingleToUInt32Bits(sp[i * Tile + j]) == BitConverter.SingleToUInt32Bits(ap[i * Tile + j]),
                                    $"{(wide ? 512 : 256)}-bit {inputs}x{rows} tile, output ({i}, {j}): {sp[i * Tile + j]} vs {ap[i * Tile + j]} alone");
                            }
                        }
                    }
                }
            }
        }
    }

    private static ushort[] RandomBf16(Random random, int count)
    {
        var values = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = Bf16.FromSingle((float)(random.NextDouble() * 2 - 1));
        }
        return values;
    }
}
