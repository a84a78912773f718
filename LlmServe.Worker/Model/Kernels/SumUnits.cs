using System.Runtime.Intrinsics;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Where the sums of one <see cref="Bf16Gemv.RunNext"/> call belong. They come in units of 16 floats, unit u's input
/// row i and weight row j at u * 16 + i * <see cref="Bf16Gemv.MaxTile"/> + j: <see cref="Blocks"/> blocks of input rows
/// (the last one may be shorter), each with <see cref="UnitsPerBlock"/> units side by side along the weight rows (the
/// last one may be narrower), unit u = block * UnitsPerBlock + part. That is one block against several tiles, or one
/// sweep tile's halves against several blocks. <c>foreach</c> walks the units in that order.
/// </summary>
internal readonly unsafe struct SumUnits
{
    private readonly int _blockInputs;
    private readonly int _rows;
    private readonly int _unitRows;

    /// <param name="inputs">Input rows the call covered, from its first.</param>
    /// <param name="blockInputs">Input rows of a block (at most <see cref="Bf16Gemv.MaxTile"/>).</param>
    /// <param name="rows">Weight rows the call covered, from its first.</param>
    /// <param name="unitRows">Weight rows of a unit (at most <see cref="Bf16Gemv.MaxTile"/>).</param>
    public SumUnits(int inputs, int blockInputs, int rows, int unitRows)
    {
        Inputs = inputs;
        _blockInputs = blockInputs;
        _rows = rows;
        _unitRows = unitRows;
        Blocks = (inputs + blockInputs - 1) / blockInputs;
        UnitsPerBlock = (rows + unitRows - 1) / unitRows;
    }

    /// <summary>Input rows the call covered.</summary>
    public int Inputs { get; }

    /// <summary>Blocks of input rows.</summary>
    public int Blocks { get; }

    /// <summary>Units of a block.</summary>
    public int UnitsPerBlock { get; }

    /// <summary>Units of 16 sums the call left.</summary>
    public int Count => Blocks * UnitsPerBlock;

    /// <summary>The first input row of <paramref name="block"/>, relative to the call's, and how many it holds.</summary>
    public int BlockInputs(int block, out int first)
    {
        first = block * _blockInputs;
        return Math.Min(_blockInputs, Inputs - first);
    }

    /// <summary>The first weight row of a block's unit <paramref name="part"/>, relative to the call's, and how many it holds.</summary>
    public int UnitRows(int part, out int first)
    {
        first = part * _unitRows;
        return Math.Min(_unitRows, _rows - first);
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>
    /// Hands the call's <paramref name="sums"/> to <paramref name="sink"/> one input row at a time, each row's units side
    /// by side along the weight rows: two whole units as one vector of 8 (a sweep tile's halves, or two 4-row tiles),
    /// the rest unit by unit. The callers store a call's sums with it in the tiles' loop, where storing unit by unit held
    /// a 32-row linear (K = 896, one core) to ~200 GFLOP/s against ~230 so.
    /// </summary>
    public void Scatter<TSink>(float* sums, ref TSink sink) where TSink : struct, ISumSink
    {
        const int tileFloats = Bf16Gemv.MaxTile * Bf16Gemv.MaxTile;
        var pairs = _unitRows == Bf16Gemv.MaxTile && Vector256.IsHardwareAccelerated ? _rows / (2 * Bf16Gemv.MaxTile) : 0;
        for (var b = 0; b < Blocks; b++)
        {
            var inputs = BlockInputs(b, out var firstInput);
            var block = sums + b * UnitsPerBlock * tileFloats;
            for (var i = 0; i < inputs; i++)
            {
                var from = block + i * Bf16Gemv.MaxTile;
                for (var p = 0; p < pairs; p++)
                {
                    var low = from + 2 * p * tileFloats;
                    sink.Eight(firstInput + i, 2 * p * Bf16Gemv.MaxTile, Vector256.Create(Vector128.Load(low), Vector128.Load(low + tileFloats)));
                }
                for (var part = 2 * pairs; part < UnitsPerBlock; part++)
                {
                    var count = UnitRows(part, out var firstRow);
                    sink.Few(firstInput + i, firstRow, from + part * tileFloats, count);
                }
            }
        }
    }

    /// <summary>One unit: its sums at <see cref="Index"/> x 16 floats, its input and weight rows relative to the call's.</summary>
    public readonly record struct Unit(int Index, int FirstInput, int Inputs, int FirstRow, int Rows);

    /// <summary>The units block by block, part by part (no division per unit: the walk sits in the tiles' hot loop).</summary>
    public struct Enumerator(SumUnits units)
    {
        private int _block;
        private int _part = -1;

        public Unit Current { get; private set; }

        public bool MoveNext()
        {
            if (++_part == units.UnitsPerBlock)
            {
                _part = 0;
                _block++;
            }
            if (_block >= units.Blocks)
            {
                return false;
            }
            var inputs = units.BlockInputs(_block, out var firstInput);
            var rows = units.UnitRows(_part, out var firstRow);
            Current = new Unit(_block * units.UnitsPerBlock + _part, firstInput, inputs, firstRow, rows);
            return true;
        }
    }
}

/// <summary>Where <see cref="SumUnits.Scatter"/> puts sums: input row and weight row (column) relative to the call's.</summary>
internal unsafe interface ISumSink
{
    /// <summary>Eight consecutive columns' sums of one input row.</summary>
    void Eight(int input, int column, Vector256<float> sums);

    /// <summary>Up to <see cref="Bf16Gemv.MaxTile"/> consecutive columns' sums of one input row.</summary>
    void Few(int input, int column, float* sums, int count);
}
