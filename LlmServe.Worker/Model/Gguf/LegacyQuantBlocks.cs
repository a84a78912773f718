using System.Buffers.Binary;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>
/// ggml's 32-value blocks: an f16 scale d (and for the _1 types an f16 offset m), then the values. Value j of a 4- or
/// 5-bit block is the low nibble of byte j for j &lt; 16 and the high nibble of byte j - 16 after; the 5-bit types keep
/// each value's fifth bit in a 32-bit mask.
/// </summary>
internal static class LegacyQuantBlocks
{
    private const int Half = 16;

    /// <summary>x = d·(q - 8), q in 0..15.</summary>
    public static void Q4_0(ReadOnlySpan<byte> block, Span<float> y)
    {
        var d = F16(block, 0);
        var qs = block[2..];
        for (var j = 0; j < Half; j++)
        {
            y[j] = d * ((qs[j] & 0x0F) - 8);
            y[j + Half] = d * ((qs[j] >> 4) - 8);
        }
    }

    /// <summary>x = d·q + m, q in 0..15.</summary>
    public static void Q4_1(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = F16(block, 0), m = F16(block, 2);
        var qs = block[4..];
        for (var j = 0; j < Half; j++)
        {
            y[j] = d * (qs[j] & 0x0F) + m;
            y[j + Half] = d * (qs[j] >> 4) + m;
        }
    }

    /// <summary>x = d·(q - 16), q in 0..31.</summary>
    public static void Q5_0(ReadOnlySpan<byte> block, Span<float> y)
    {
        var d = F16(block, 0);
        var high = BinaryPrimitives.ReadUInt32LittleEndian(block[2..]);
        var qs = block[6..];
        for (var j = 0; j < Half; j++)
        {
            y[j] = d * (Five(qs[j] & 0x0F, high, j) - 16);
            y[j + Half] = d * (Five(qs[j] >> 4, high, j + Half) - 16);
        }
    }

    /// <summary>x = d·q + m, q in 0..31.</summary>
    public static void Q5_1(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = F16(block, 0), m = F16(block, 2);
        var high = BinaryPrimitives.ReadUInt32LittleEndian(block[4..]);
        var qs = block[8..];
        for (var j = 0; j < Half; j++)
        {
            y[j] = d * Five(qs[j] & 0x0F, high, j) + m;
            y[j + Half] = d * Five(qs[j] >> 4, high, j + Half) + m;
        }
    }

    /// <summary>x = d·q, q a signed byte.</summary>
    public static void Q8_0(ReadOnlySpan<byte> block, Span<float> y)
    {
        var d = F16(block, 0);
        for (var j = 0; j < 2 * Half; j++)
        {
            y[j] = d * (sbyte)block[2 + j];
        }
    }

    /// <summary>A 4-bit value with bit <paramref name="index"/> of the high-bit mask as its fifth bit.</summary>
    private static int Five(int low, uint high, int index) => low | (int)((high >> index) & 1) << 4;

    internal static float F16(ReadOnlySpan<byte> block, int offset) =>
        (float)BinaryPrimitives.ReadHalfLittleEndian(block[offset..]);
}
