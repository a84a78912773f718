using System.Runtime.Intrinsics;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>Where a tile call's units of 16 sums belong: every (input, weight row) of the call exactly once.</summary>
public sealed class SumUnitsTests
{
    [Theory]
    [InlineData(4, 4, 12, 4)]    // one block of 4 against 3 tiles of 4
    [InlineData(3, 3, 6, 3)]     // a part block against 2 part tiles of 3
    [InlineData(32, 3, 8, 4)]    // a sweep: 10 blocks of 3 and a part block of 2, each two units of 4 rows
    [InlineData(31, 3, 5, 4)]    // a sweep tile of 5 rows: units of 4 and 1
    [InlineData(2, 3, 3, 4)]     // a part block alone, one narrow unit
    public void Units_CoverEveryInputAndRowOnce_InOrder(int inputs, int blockInputs, int rows, int unitRows)
    {
        var units = new SumUnits(inputs, blockInputs, rows, unitRows);
        var seen = new int[inputs, rows];
        var walked = 0;
        foreach (var u in units)
        {
            Assert.Equal(walked++, u.Index);                                 // in order, block by block
            Assert.InRange(u.Inputs, 1, Bf16Gemv.MaxTile);
            Assert.InRange(u.Rows, 1, Bf16Gemv.MaxTile);
            Assert.Equal(units.BlockInputs(u.Index / units.UnitsPerBlock, out var firstInput), u.Inputs);
            Assert.Equal(firstInput, u.FirstInput);
            for (var i = 0; i < u.Inputs; i++)
            {
                for (var j = 0; j < u.Rows; j++)
                {
                    seen[u.FirstInput + i, u.FirstRow + j]++;
                }
            }
        }
        Assert.Equal(units.Count, walked);
        Assert.All(seen.Cast<int>(), c => Assert.Equal(1, c));
        Assert.Equal(inputs, units.Inputs);
        Assert.Equal(units.Blocks * units.UnitsPerBlock, units.Count);
    }

    [Theory]
    [InlineData(4, 4, 12, 4)]    // tiles side by side: a pair of units and a single one
    [InlineData(3, 3, 6, 3)]     // units of 3 rows: no pairs
    [InlineData(32, 3, 8, 4)]    // a sweep: each block's two halves as one pair
    [InlineData(31, 3, 5, 4)]    // a sweep tile of 5 rows: a unit of 4 and one of 1, no pair
    [InlineData(4, 4, 64, 4)]    // a call's 16 tiles: 8 pairs
    [InlineData(2, 4, 14, 4)]    // 3 whole tiles and a part tile of 2: one pair, then 4, then 2
    public unsafe void Scatter_HandsEverySumToItsInputAndColumnOnce(int inputs, int blockInputs, int rows, int unitRows)
    {
        var units = new SumUnits(inputs, blockInputs, rows, unitRows);
        var sums = new float[units.Count * Bf16Gemv.MaxTile * Bf16Gemv.MaxTile];
        foreach (var u in units)
        {
            for (var i = 0; i < u.Inputs; i++)
            {
                for (var j = 0; j < u.Rows; j++)
                {
                    sums[(u.Index * Bf16Gemv.MaxTile + i) * Bf16Gemv.MaxTile + j] = Code(u.FirstInput + i, u.FirstRow + j);
                }
            }
        }
        var sink = new Recorder(new int[inputs, rows], new float[inputs, rows]);

        fixed (float* s = sums)
        {
            units.Scatter(s, ref sink);
        }

        for (var i = 0; i < inputs; i++)
        {
            for (var j = 0; j < rows; j++)
            {
                Assert.Equal(1, sink.Seen[i, j]);
                Assert.Equal(Code(i, j), sink.Values[i, j]);
            }
        }
    }

    private static float Code(int input, int row) => 1000 * input + row + 1;

    private readonly unsafe struct Recorder(int[,] seen, float[,] values) : ISumSink
    {
        public int[,] Seen => seen;

        public float[,] Values => values;

        public void Eight(int input, int column, Vector256<float> sums)
        {
            for (var j = 0; j < 8; j++)
            {
                Put(input, column + j, sums.GetElement(j));
            }
        }

        public void Few(int input, int column, float* sums, int count)
        {
            Assert.InRange(count, 1, Bf16Gemv.MaxTile);
            for (var j = 0; j < count; j++)
            {
                Put(input, column + j, sums[j]);
            }
        }

        private void Put(int input, int column, float value)
        {
            seen[input, column]++;
            values[input, column] = value;
        }
    }

    [Fact]
    public void ASweepOfThirtyTwoRows_HasElevenBlocks_TheLastOfTwo()
    {
        var units = new SumUnits(32, 3, 8, 4);
        Assert.Equal(11, units.Blocks);
        Assert.Equal(2, units.UnitsPerBlock);
        Assert.Equal(2, units.BlockInputs(10, out var first));
        Assert.Equal(30, first);
        Assert.Equal(4, units.UnitRows(1, out var firstRow));
        Assert.Equal(4, firstRow);
    }
}
