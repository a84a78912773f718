using LlmServe.Worker.Model;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model;

public sealed class TensorReaderTests
{
    [Fact]
    public void Read_InSeveralRanges_FillsEveryByteFromItsOffsetInOrder()
    {
        // 2 x 1025 float32 = 8200 bytes, read 3000 at a time: ranges end mid-element and the last one is short.
        var ranges = new List<(long Offset, int Length)>();
        using var tensor = TensorReader.Read([2, 1025], ScalarType.Float32, 8200, (offset, into) =>
        {
            ranges.Add((offset, into.Length));
            for (var i = 0; i < into.Length; i++)
            {
                into[i] = Pattern(offset + i);
            }
        }, rangeBytes: 3000);

        Assert.Equal([(0L, 3000), (3000L, 3000), (6000L, 2200)], ranges);
        var bytes = tensor.bytes.ToArray();
        Assert.Equal(8200, bytes.Length);
        Assert.All(Enumerable.Range(0, bytes.Length), i => Assert.Equal(Pattern(i), bytes[i]));
        Assert.Equal(new long[] { 2, 1025 }, tensor.shape);
    }

    [Fact]
    public void Read_FileSizeDisagreesWithTheShape_ThrowsBeforeReading()
    {
        var reads = 0;

        var error = Assert.Throws<InvalidDataException>(() =>
            TensorReader.Read([4, 4], ScalarType.BFloat16, 64, (_, _) => reads++));

        Assert.Contains("takes 32 bytes", error.Message);
        Assert.Equal(0, reads);
    }

    private static byte Pattern(long position) => (byte)(position * 31 + (position >> 8));
}
