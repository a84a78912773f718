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
        var x = Bf16Inputs.Random(random, Tile * k);
        var w = Bf16Inputs.Random(random, Tile * k);
        var stride = Bf16Gemv.InputStride(k);
        var xs = Bf16Inputs.Prepare(x, Tile, k);
        var floatStride = Bf16Gemv.FloatStride(k);
        var xf = Bf16Inputs.PrepareFloats(x, Tile, k);                     // the managed tiles' input
        var sums = new float[Tile * Tile];
        var alone = new float[Tile * Tile];
        fixed (ushort* wp = w)
        fixed (float* xsp = xs, xfp = xf, sp = sums, ap = alone)
        {
            for (var i = 0; i < Tile; i++)
            {
                for (var j = 0; j < Tile; j++)
                {
                    Bf16Gemv.Block512(xfp + i * floatStride, floatStride, 1, wp + j * k, k, 1, ap + i * Tile + j);
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
                    foreach (var variant in Variants())
                    {
                        Array.Clear(sums);
                        switch (variant)
                        {
                            case "512-bit":
                                Bf16Gemv.Block512(xfp, floatStride, inputs, wp, k, rows, sp);
                                break;
                            case "256-bit":
                                Bf16Gemv.Block256(xfp, floatStride, inputs, wp, k, rows, sp);
                                break;
                            default:
                                Bf16Gemv.BlockBf16(xsp, stride, inputs, wp, k, rows, 1, sp);
                                break;
                        }
                        for (var i = 0; i < inputs; i++)
                        {
                            for (var j = 0; j < rows; j++)
                            {
                                Assert.True(BitConverter.SingleToUInt32Bits(sp[i * Tile + j]) == BitConverter.SingleToUInt32Bits(ap[i * Tile + j]),
                                    $"{variant} {inputs}x{rows} tile, output ({i}, {j}): {sp[i * Tile + j]} vs {ap[i * Tile + j]} alone");
                            }
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(896, 70)]    // sweeps: 16 whole blocks of 3, then 7 whole blocks and a part block of 1
    [InlineData(903, 32)]    // sweeps with the scalar tail: 10 whole blocks and a part block of 2
    [InlineData(903, 5)]     // the fewest rows that sweep: a whole block and a part block
    [InlineData(4864, 70)]   // K split in stretches: blocks of 4 meet many tiles instead
    public void RunNext_ByBlocksOrByTiles_GivesEveryOutputTheBitsOfItsRowAlone(int k, int m)
    {
        const int weightRows = 19;                                           // sweep tiles of 8 and a part tile, or tiles of 4 and a part tile
        var random = new Random(k + 3);
        var x = Bf16Inputs.Random(random, m * k);
        var w = Bf16Inputs.Random(random, weightRows * k);
        var stride = Bf16Gemv.InputStride(k);
        var xs = Bf16Inputs.Prepare(x, m, k);
        var sums = new float[Bf16Gemv.MaxSums];
        var alone = new float[Tile * Tile];
        var covered = new int[m * weightRows];
        fixed (ushort* wp = w)
        fixed (float* xsp = xs, sp = sums, ap = alone)
        {
            for (var row = 0; row < weightRows;)
            {
                var tiles = Bf16Gemv.TilesForNextCall(weightRows - row, m, k, out var rows);
                for (var r = 0; r < m;)
                {
                    Array.Fill(sums, float.NaN);
                    Bf16Gemv.RunNext(xsp, stride, m, r, wp + (long)row * k, k, rows, tiles, sp, out var units);
                    Assert.InRange(units.Count * Tile * Tile, 1, Bf16Gemv.MaxSums);
                    foreach (var u in units)
                    {
                        for (var i = 0; i < u.Inputs; i++)
                        {
                            Bf16Gemv.Block(xsp + (long)(r + u.FirstInput + i) * stride, stride, 1, wp + (long)(row + u.FirstRow) * k, k, u.Rows, ap);
                            for (var j = 0; j < u.Rows; j++)
                            {
                                covered[(r + u.FirstInput + i) * weightRows + row + u.FirstRow + j]++;
                                Assert.Equal(BitConverter.SingleToUInt32Bits(ap[j]), BitConverter.SingleToUInt32Bits(sp[u.Index * Tile * Tile + i * Tile + j]));
                            }
                        }
                    }
                    Assert.True(units.Inputs > 0);
                    r += units.Inputs;
                }
                row += tiles * rows;
            }
        }
        Assert.All(covered, c => Assert.Equal(1, c));                       // every output once
    }

    [Fact]
    public void ASweep_TakesTilesOfEightRows_AndAWholeBlockOfInputsFirst()
    {
        Assert.SkipUnless(Bf16DotTiles.IsSupported, "sweeps are the assembled tiles'");
        Assert.True(Bf16Gemv.SweepsTiles(32, 896));
        Assert.False(Bf16Gemv.SweepsTiles(Tile, 896));                       // one block: tiles of 4
        Assert.False(Bf16Gemv.SweepsTiles(32, 4864));                        // stretches
        Assert.Equal(1, Bf16Gemv.TilesForNextCall(100, 32, 896, out var rows));
        Assert.Equal(Bf16DotTiles.SweepRows, rows);
        Assert.Equal(1, Bf16Gemv.TilesForNextCall(5, 32, 896, out rows));
        Assert.Equal(5, rows);
        Assert.Equal(Bf16Gemv.TilesPerCall, Bf16Gemv.TilesForNextCall(100, Tile, 896, out rows));
        Assert.Equal(Tile, rows);
    }

    [Theory]
    [InlineData(896)]    // tile sweeps
    [InlineData(903)]    // sweeps with the scalar tail
    [InlineData(4864)]   // stretches
    public void Run_SeventyRowsWithBias_GiveEachRowTheBitsOfItsOwnRun(int k)
    {
        const int m = 70, n = 3 * Tile + 3;                                      // whole tiles and a part tile
        var random = new Random(k + 5);
        var x = Bf16Inputs.Random(random, m * k);
        var w = Bf16Inputs.Random(random, n * k);
        var bias = Bf16Inputs.Random(random, n);
        var together = new ushort[m * n];
        var alone = new ushort[n];
        fixed (ushort* xp = x, wp = w, bp = bias, tp = together, ap = alone)
        {
            Bf16Gemv.Run(xp, m, k, [new GemvTarget((nint)wp, (nint)bp, (nint)tp, n)]);
            for (var r = 0; r < m; r++)
            {
                Bf16Gemv.Run(xp + (long)r * k, 1, k, [new GemvTarget((nint)wp, (nint)bp, (nint)ap, n)]);
                Assert.Equal(alone, together.AsSpan(r * n, n).ToArray());
            }
        }
    }

    [Theory]
    [InlineData(4, 2048, 1)]    // 16 KiB of input pairs: read whole
    [InlineData(4, 2304, 2)]
    [InlineData(4, 4864, 4)]    // 38 KiB in stretches of at most 12 KiB
    [InlineData(2, 4864, 2)]
    [InlineData(1, 4864, 1)]    // one row of it fits
    [InlineData(4, 40, 1)]      // fewer steps than anything to split
    public void Stretches_KeepEachStretchOfTheInputBlockWithinAThirdOfTheFirstLevelCache(int inputs, int k, int expected)
    {
        var steps = k / 2 / Bf16DotTiles.PairsPerStep;
        var stretches = Bf16Gemv.Stretches(inputs, steps);
        Assert.Equal(expected, stretches);
        var longest = (steps + stretches - 1) / stretches;                                   // the stretches differ by a step at most
        Assert.True(stretches == 1 || inputs * (longest - 1) * 64 < Bf16Gemv.StretchInputBytes);
    }

    [Fact]
    public void AWorkItemOfStretchedTiles_HoldsEnoughTilesToReuseEachStretch()
    {
        Assert.SkipUnless(Bf16DotTiles.IsSupported, "stretches are the assembled tiles'");
        Assert.Equal(12, Bf16Gemv.ChunkRows(1, 4864));           // 128 KiB of weights: 3 tiles, K read whole
        Assert.Equal(24, Bf16Gemv.ChunkRows(32, 4864));          // 6 tiles of K in 4 stretches
        Assert.Equal(Bf16Gemv.ChunkRows(1, 896), Bf16Gemv.ChunkRows(32, 896));
    }

    [Theory]
    [InlineData(896, 72)]     // 128 KiB: 18 tiles of 4, nine sweep tiles
    [InlineData(640, 104)]    // 25 tiles of 4, rounded up to 13 sweep tiles
    public void AWorkItemOfSweeps_HoldsWholeSweepTiles(int k, int expected)
    {
        Assert.SkipUnless(Bf16DotTiles.IsSupported, "sweeps are the assembled tiles'");
        Assert.Equal(expected, Bf16Gemv.ChunkRows(32, k));
        Assert.Equal(0, Bf16Gemv.ChunkRows(32, k) % Bf16DotTiles.SweepRows);
    }

    [Theory]
    [InlineData(64)]     // whole iterations
    [InlineData(903)]    // iterations, scalar pairs and an odd last element
    public void SeveralTilesInOneCall_GiveEachTileTheBitsOfItsOwnCall(int k)
    {
        const int tiles = 5;
        var random = new Random(k + 2);
        var x = Bf16Inputs.Random(random, Tile * k);
        var w = Bf16Inputs.Random(random, tiles * Tile * k);
        var stride = Bf16Gemv.InputStride(k);
        var xs = Bf16Inputs.Prepare(x, Tile, k);
        var together = new float[tiles * Tile * Tile];
        var alone = new float[Tile * Tile];
        fixed (ushort* wp = w)
        fixed (float* xsp = xs, tp = together, ap = alone)
        {
            for (var inputs = 1; inputs <= Tile; inputs++)
            {
                foreach (var rows in new[] { 1, 3, Tile })
                {
                    Bf16Gemv.Tiles(xsp, stride, inputs, wp, k, rows, tiles, tp);
                    for (var t = 0; t < tiles; t++)
                    {
                        Bf16Gemv.Block(xsp, stride, inputs, wp + (long)t * rows * k, k, rows, ap);
                        for (var i = 0; i < inputs; i++)
                        {
                            for (var j = 0; j < rows; j++)
                            {
                                Assert.Equal(BitConverter.SingleToUInt32Bits(ap[i * Tile + j]), BitConverter.SingleToUInt32Bits(tp[t * Tile * Tile + i * Tile + j]));
                            }
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(33)]
    [InlineData(50)]
    [InlineData(896)]
    [InlineData(4864)]
    public void EveryOutput_IsTheDocumentedOperationSequence(int k)
    {
        // The order the tiles document (and VDPBF16PS defines): per lane, for each pair the odd product then the even
        // one, each a float32 fused multiply-add; the lanes' tree; then the scalar tail. A different order rounds
        // differently on some of these outputs, so this pins the sequence on whichever path the CPU takes.
        var random = new Random(k + 1);
        var x = Bf16Inputs.Random(random, Tile * k, maxExponent: 12);
        var w = Bf16Inputs.Random(random, Tile * k, maxExponent: 12);
        var xs = Bf16Inputs.Prepare(x, Tile, k);
        var sums = new float[Tile * Tile];
        fixed (ushort* wp = w)
        fixed (float* xsp = xs, sp = sums)
        {
            Bf16Gemv.Block(xsp, Bf16Gemv.InputStride(k), Tile, wp, k, Tile, sp);
        }
        for (var i = 0; i < Tile; i++)
        {
            for (var j = 0; j < Tile; j++)
            {
                var expected = Reference(x.AsSpan(i * k, k), w.AsSpan(j * k, k));
                Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(sums[i * Tile + j]));
            }
        }
    }

    /// <summary>The dot product's documented sequence, one scalar operation at a time.</summary>
    private static float Reference(ReadOnlySpan<ushort> x, ReadOnlySpan<ushort> w)
    {
        const int lanes = 16;
        int k = x.Length, pairs = k / 2, vectorPairs = pairs / lanes * lanes;
        var acc = new float[lanes];
        for (var p = 0; p < vectorPairs; p++)
        {
            var lane = p % lanes;
            acc[lane] = MathF.FusedMultiplyAdd(Bf16.ToSingle(x[2 * p + 1]), Bf16.ToSingle(w[2 * p + 1]), acc[lane]);
            acc[lane] = MathF.FusedMultiplyAdd(Bf16.ToSingle(x[2 * p]), Bf16.ToSingle(w[2 * p]), acc[lane]);
        }
        var eight = new float[8];
        for (var l = 0; l < 8; l++)
        {
            eight[l] = acc[l] + acc[l + 8];
        }
        var four = new float[4];
        for (var l = 0; l < 4; l++)
        {
            four[l] = eight[l] + eight[l + 4];
        }
        var sum = (four[0] + four[2]) + (four[1] + four[3]);
        for (var p = vectorPairs; p < pairs; p++)
        {
            sum += Bf16.ToSingle(x[2 * p]) * Bf16.ToSingle(w[2 * p]) + Bf16.ToSingle(x[2 * p + 1]) * Bf16.ToSingle(w[2 * p + 1]);
        }
        if ((k & 1) != 0)
        {
            sum += Bf16.ToSingle(x[k - 1]) * Bf16.ToSingle(w[k - 1]);
        }
        return sum;
    }

    /// <summary>The tile implementations this CPU runs: the AVX512_BF16 loop only where it was assembled.</summary>
    private static IEnumerable<string> Variants() =>
        Bf16DotTiles.IsSupported ? ["512-bit", "256-bit", "AVX512_BF16"] : ["512-bit", "256-bit"];
}
