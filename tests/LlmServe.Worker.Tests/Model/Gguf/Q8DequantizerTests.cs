using LlmServe.Worker.Model.Gguf;

namespace LlmServe.Worker.Tests.Model.Gguf;

public sealed class Q8DequantizerTests
{
    [Fact]
    public void Dequantize_OneBlock_MultipliesBytesByHalfScale()
    {
        var block = new byte[34];
        BitConverter.TryWriteBytes(block.AsSpan(0, 2), (Half)0.5f);
        for (var i = 0; i < 32; i++)
        {
            block[2 + i] = unchecked((byte)(sbyte)(i - 16));
        }

        var values = Q8Dequantizer.Dequantize(block, 32);

        Assert.Equal(-8f, values[0]);     // 0.5 * -16
        Assert.Equal(0f, values[16]);
        Assert.Equal(7.5f, values[31]);   // 0.5 * 15
    }
}
