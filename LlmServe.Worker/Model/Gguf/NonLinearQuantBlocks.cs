using System.Buffers.Binary;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>
/// ggml's non-linear 4-bit types: a 4-bit index picks one of 16 fixed levels (denser near zero, where weights
/// cluster) and a scale multiplies it. IQ4_NL blocks hold 32 values under an f16 scale; IQ4_XS super-blocks hold 256
/// values in eight such groups whose 6-bit scales are relative to one f16 scale. Value j of a group is the low nibble
/// of byte j for j &lt; 16 and the high nibble of byte j - 16 after, as in the legacy types.
/// </summary>
internal static class NonLinearQuantBlocks
{
    /// <summary>The 16 levels of ggml's IQ4_NL codebook, shared by IQ4_XS.</summary>
    private static ReadOnlySpan<sbyte> Levels => [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];

    private const int Group = 32;
    private const int Half = Group / 2;

    /// <summary>x = d·level[q]: f16 d, then 16 bytes of 4-bit indices.</summary>
    public static void IQ4_NL(ReadOnlySpan<byte> block, Span<float> y) =>
        DecodeGroup(LegacyQuantBlocks.F16(block, 0), block.Slice(2, Half), y);

    /// <summary>
    /// f16 d, 16 bits holding each group's scale's top 2 bits, 4 bytes holding their low 4 bits (two groups a byte,
    /// the even group in the low nibble), then 8 groups of 16 index bytes. Group g's values are d·(s_g - 32)·level[q].
    /// </summary>
    public static void IQ4_XS(ReadOnlySpan<byte> block, Span<float> y)
    {
        var d = LegacyQuantBlocks.F16(block, 0);
        var high = BinaryPrimitives.ReadUInt16LittleEndian(block[2..]);
        var low = block.Slice(4, 4);
        var qs = block[8..];
        for (var g = 0; g < 8; g++)
        {
            var scale = ((low[g / 2] >> (4 * (g % 2))) & 0x0F) | (((high >> (2 * g)) & 0x03) << 4);
            DecodeGroup(d * (scale - 32), qs.Slice(g * Half, Half), y.Slice(g * Group, Group));
        }
    }

    private static void DecodeGroup(float d, ReadOnlySpan<byte> qs, Span<float> y)
    {
        var levels = Levels;
        for (var j = 0; j < Half; j++)
        {
            y[j] = d * levels[qs[j] & 0x0F];
            y[j + Half] = d * levels[qs[j] >> 4];
        }
    }
}
