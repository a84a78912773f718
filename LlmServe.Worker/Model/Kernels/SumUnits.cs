namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Where the sums of one <see cref="Bf16Gemv.RunNext"/> call belong. They come in units of 16 floats, unit u's input
/// row i and weight row j at u * 16 + i * <see cref="Bf16Gemv.MaxTile"/> + j: <see cref="Blocks"/> blocks of input rows
/// (the last one may be shorter), each with <see cref="UnitsPerBlock"/> units side by side along the weight rows (the
/// last one may be narrower), unit u = block * UnitsPerBlock + part. That is one block against several tiles, or one
/// sweep tile's halves against several blocks. <c>foreach</c> walks the units in that order.
/// </summary>
internal readonly struct SumUnits
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
