namespace LlmServe.Conversion.Gguf;

/// <summary>
/// How ggml stores each tensor type: values come in blocks of <c>Elements</c> along a row, each block
/// <c>Bytes</c> long (a plain type is a block of one value).
/// </summary>
public static class GgmlBlocks
{
    /// <summary>Values in one k-quant super-block.</summary>
    public const int SuperBlock = 256;

    private static readonly Dictionary<GgmlType, (int Elements, int Bytes)> Layouts = new()
    {
        [GgmlType.F32] = (1, 4),
        [GgmlType.F16] = (1, 2),
        [GgmlType.BF16] = (1, 2),
        [GgmlType.Q4_0] = (32, 2 + 16),                     // f16 scale, 32 4-bit values
        [GgmlType.Q4_1] = (32, 2 + 2 + 16),                 // f16 scale and min, 32 4-bit values
        [GgmlType.Q5_0] = (32, 2 + 4 + 16),                 // f16 scale, 32 high bits, 32 low nibbles
        [GgmlType.Q5_1] = (32, 2 + 2 + 4 + 16),             // f16 scale and min, 32 high bits, 32 low nibbles
        [GgmlType.Q8_0] = (32, 2 + 32),                     // f16 scale, 32 signed bytes
        [GgmlType.Q2_K] = (SuperBlock, 16 + 64 + 2 + 2),    // 4-bit scale/min pairs, 2-bit values, f16 d and dmin
        [GgmlType.Q3_K] = (SuperBlock, 32 + 64 + 12 + 2),   // high-bit mask, 2-bit values, 6-bit scales, f16 d
        [GgmlType.Q4_K] = (SuperBlock, 2 + 2 + 12 + 128),   // f16 d and dmin, 6-bit scales and mins, 4-bit values
        [GgmlType.Q5_K] = (SuperBlock, 2 + 2 + 12 + 32 + 128), // as Q4_K plus one high bit per value
        [GgmlType.Q6_K] = (SuperBlock, 128 + 64 + 16 + 2),  // low nibbles, high 2 bits, 8-bit scales, f16 d
        [GgmlType.IQ4_NL] = (32, 2 + 16),                   // f16 scale, 32 4-bit codebook indices
        [GgmlType.IQ4_XS] = (SuperBlock, 2 + 2 + 4 + 128),  // f16 d, 6-bit group scales (2 high bits, 4 low), 4-bit indices
    };

    /// <summary>The block layout of <paramref name="type"/>; null for a type this code cannot read.</summary>
    public static (int Elements, int Bytes)? Of(GgmlType type) => Layouts.TryGetValue(type, out var layout) ? layout : null;

    /// <summary>The types a GGUF may hold for us to read it.</summary>
    public static IEnumerable<GgmlType> Supported => Layouts.Keys;
}
