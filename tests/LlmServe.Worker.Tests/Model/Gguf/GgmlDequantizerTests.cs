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
    public void Data_OfTheWrongLength_IsRejected()
    {
        Assert.Throws<InvalidDataException>(() => GgmlDequantizer.Dequantize(GgmlType.Q4_K, new byte[143], 256));
    }
}
