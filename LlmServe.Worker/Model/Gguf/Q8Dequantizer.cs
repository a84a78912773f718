namespace LlmServe.Worker.Model.Gguf;

/// <summary>Q8_0: blocks of 32 values, each block a float16 scale followed by 32 signed bytes (34 bytes).</summary>
internal static class Q8Dequantizer
{
    private const int BlockSize = 32;
    private const int BlockBytes = 34;

    public static float[] Dequantize(ReadOnlySpan<byte> data, long count)
    {
        var result = new float[count];
        var blocks = count / BlockSize;
        for (long b = 0; b < blocks; b++)
        {
            var block = data.Slice((int)(b * BlockBytes), BlockBytes);
            var scale = (float)BitConverter.ToHalf(block[..2]);
            for (var i = 0; i < BlockSize; i++)
            {
                result[b * BlockSize + i] = scale * (sbyte)block[2 + i];
            }
        }
        return result;
    }
}
