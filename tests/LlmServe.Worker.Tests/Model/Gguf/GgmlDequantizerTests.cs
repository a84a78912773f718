using LlmServe.Conversion.Gguf;
using LlmServe.Worker.Model.Gguf;

namespace LlmServe.Worker.Tests.Model.Gguf;

/// <summary>Hand-built blocks whose values are known; the file-level check against llama.cpp is in the oracle tests.</summary>
public sealed class GgmlDequantizerTests
{
    [Fact]
    public void Q8_0_MultipliesBytesByHalfScale()
    {
        var block = new byte[34];
        BitConverter.TryWriteBytes(block.AsSpan(0, 2), (Half)0.5f);
        for (var i = 0; i < 32; i++)
        {
            block[2 + i] = unchecked((byte)(sbyte)(i - 16));
        }

        var values = GgmlDequantizer.Dequantize(GgmlType.Q8_0, block, 32);

        Assert.Equal(-8f, values[0]);     // 0.5 * -16
        Assert.Equal(0f, values[16]);
        Assert.Equal(7.5f, values[31]);   // 0.5 * 15
    }

    [Fact]
    public void Q4_0_LowNibblesFirstThenHighNibbles()
    {
        var block = new byte[18];
        BitConverter.TryWriteBytes(block.AsSpan(0, 2), (Half)2f);
        for (var j = 0; j < 16; j++)
        {
            block[2 + j] = (byte)(j | (15 - j) << 4);
        }

        var values = GgmlDequantizer.Dequantize(GgmlType.Q4_0, block, 32);

        Assert.Equal(Enumerable.Range(0, 16).Select(j => 2f * (j - 8)).Concat(Enumerable.Range(0, 16).Select(j => 2f * (7 - j))), values);
    }

    [Fact]
    public void Q5_1_TakesTheFifthBitFromTheMaskAndAddsTheMin()
    {
        var block = new byte[24];
        BitConverter.TryWriteBytes(block.AsSpan(0, 2), (Half)1f);
        BitConverter.TryWriteBytes(block.AsSpan(2, 2), (Half)(-3f));
        BitConverter.TryWriteBytes(block.AsSpan(4, 4), 0x8000_0001u);   // fifth bit of value 0 and value 31

        var values = GgmlDequantizer.Dequantize(GgmlType.Q5_1, block, 32);

        Assert.Equal(13f, values[0]);     // 16 - 3
        Assert.Equal(-3f, values[1]);
        Assert.Equal(13f, values[31]);
    }

    [Fact]
    public void IQ4_NL_IndexesTheCodebookLowNibblesFirst()
    {
        var block = new byte[18];
        BitConverter.TryWriteBytes(block.AsSpan(0, 2), (Half)0.5f);
        block[2] = 0x80;    // value 0: level 0 (-127), value 16: level 8 (1)
        block[17] = 0x0F;   // value 15: level 15 (113), value 31: level 0

        var values = GgmlDequantizer.Dequantize(GgmlType.IQ4_NL, block, 32);

        Assert.Equal(-63.5f, values[0]);
        Assert.Equal(0.5f, values[16]);
        Assert.Equal(56.5f, values[15]);
        Assert.Equal(-63.5f, values[31]);
        Assert.Equal(-63.5f, values[1]);   // index 0 everywhere else
    }

    [Fact]
    public void IQ4_XS_ScalesEachGroupBySixBitsSplitOverTwoFields()
    {
        var block = new byte[136];
        BitConverter.TryWriteBytes(block.AsSpan(0, 2), (Half)0.25f);
        // group 0: low 4 bits 0x3 in byte 4's low nibble, high bits 0b10 -> scale 35, times d 0.25 -> 0.75
        // group 7: low 4 bits 0xF in byte 7's high nibble, high bits 0b00 -> scale 15, times d 0.25 -> -4.25
        block[4] = 0x03;
        block[7] = 0xF0;
        BitConverter.TryWriteBytes(block.AsSpan(2, 2), (ushort)0b10);
        block.AsSpan(8).Fill(0x98);   // every value pair: level 8 (1) low, level 9 (13) high

        var values = GgmlDequantizer.Dequantize(GgmlType.IQ4_XS, block, 256);

        Assert.Equal(0.75f, values[0]);
        Assert.Equal(0.75f * 13, values[16]);
        Assert.Equal(-4.25f, values[7 * 32]);
        Assert.Equal(-4.25f * 13, values[7 * 32 + 31]);
        Assert.Equal(0.25f * (0 - 32), values[32]);   // group 1: scale bits all zero
    }

    [Fact]
    public void Data_OfTheWrongLength_IsRejected()
    {
        Assert.Throws<InvalidDataException>(() => GgmlDequantizer.Dequantize(GgmlType.Q4_K, new byte[143], 256));
    }
}
