using static LlmServe.Worker.Model.Gguf.LegacyQuantBlocks;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>
/// ggml's k-quants: 256-value super-blocks of 16- or 32-value sub-blocks, each sub-block with its own small scale (and
/// for Q2_K, Q4_K, Q5_K a min) that the super-block's f16 d (and dmin) scale up. Values are laid out in 128-value
/// halves (Q2_K, Q3_K, Q6_K) or 64-value quarters (Q4_K, Q5_K) whose low bits share bytes.
/// </summary>
internal static class KQuantBlocks
{
    /// <summary>Q2_K: scales[16] (scale low nibble, min high nibble), qs[64] 2-bit values, d, dmin: x = d·sc·q - dmin·mn.</summary>
    public static void Q2_K(ReadOnlySpan<byte> block, Span<float> y)
    {
        var scales = block[..16];
        var qs = block.Slice(16, 64);
        float d = F16(block, 80), dmin = F16(block, 82);
        var (sub, o) = (0, 0);
        for (var half = 0; half < 2; half++)
        {
            var q = qs.Slice(32 * half, 32);
            for (var shift = 0; shift < 8; shift += 2)
            {
                for (var part = 0; part < 2; part++, sub++)
                {
                    float scale = d * (scales[sub] & 0xF), min = dmin * (scales[sub] >> 4);
                    for (var l = 0; l < 16; l++)
                    {
                        y[o++] = scale * ((q[16 * part + l] >> shift) & 3) - min;
                    }
                }
            }
        }
    }

    /// <summary>Q3_K: hmask[32], qs[64] 2-bit values, 16 6-bit scales in 12 bytes, d: x = d·(sc - 32)·(q - 4 unless the high bit is set).</summary>
    public static void Q3_K(ReadOnlySpan<byte> block, Span<float> y)
    {
        var hmask = block[..32];
        var qs = block.Slice(32, 64);
        var packed = block.Slice(96, 12);
        var d = F16(block, 108);
        var (sub, o, bit) = (0, 0, 1);
        for (var half = 0; half < 2; half++)
        {
            var q = qs.Slice(32 * half, 32);
            for (var shift = 0; shift < 8; shift += 2, bit <<= 1)
            {
                for (var part = 0; part < 2; part++, sub++)
                {
                    var scale = d * (Q3Scale(packed, sub) - 32);
                    for (var l = 16 * part; l < 16 * part + 16; l++)
                    {
                        y[o++] = scale * (((q[l] >> shift) & 3) - ((hmask[l] & bit) != 0 ? 0 : 4));
                    }
                }
            }
        }
    }

    /// <summary>Q4_K: d, dmin, 8 6-bit scale/min pairs in 12 bytes, qs[128] 4-bit values: x = d·sc·q - dmin·mn.</summary>
    public static void Q4_K(ReadOnlySpan<byte> block, Span<float> y) => ScaledNibbles(block, y, qh: [], qsOffset: 16);

    /// <summary>Q5_K: Q4_K's layout with qh[32] after the scales, bit 2i (low nibble) and 2i + 1 (high) of each byte a fifth bit.</summary>
    public static void Q5_K(ReadOnlySpan<byte> block, Span<float> y) => ScaledNibbles(block, y, block.Slice(16, 32), qsOffset: 48);

    /// <summary>Q4_K and Q5_K: nibbles at <paramref name="qsOffset"/>, each with its fifth bit from <paramref name="qh"/> when there is one.</summary>
    private static void ScaledNibbles(ReadOnlySpan<byte> block, Span<float> y, ReadOnlySpan<byte> qh, int qsOffset)
    {
        float d = F16(block, 0), dmin = F16(block, 2);
        var packed = block.Slice(4, 12);
        var qs = block.Slice(qsOffset, 128);
        for (var quarter = 0; quarter < 4; quarter++)
        {
            var q = qs.Slice(32 * quarter, 32);
            var (lowScale, lowMin) = ScaleMin(packed, 2 * quarter);
            var (highScale, highMin) = ScaleMin(packed, 2 * quarter + 1);
            int lowBit = 1 << (2 * quarter), highBit = lowBit << 1, o = 64 * quarter;
            for (var l = 0; l < 32; l++)
            {
                int low = q[l] & 0xF, high = q[l] >> 4;
                if (!qh.IsEmpty)
                {
                    low += (qh[l] & lowBit) != 0 ? 16 : 0;
                    high += (qh[l] & highBit) != 0 ? 16 : 0;
                }
                y[o + l] = d * lowScale * low - dmin * lowMin;
                y[o + 32 + l] = d * highScale * high - dmin * highMin;
            }
        }
    }

    /// <summary>Q6_K: ql[128] low nibbles, qh[64] high 2-bit pairs, 16 signed 8-bit scales, d: x = d·sc·(q - 32).</summary>
    public static void Q6_K(ReadOnlySpan<byte> block, Span<float> y)
    {
        var d = F16(block, 208);
        for (var half = 0; half < 2; half++)
        {
            var ql = block.Slice(64 * half, 64);
            var qh = block.Slice(128 + 32 * half, 32);
            var scales = block.Slice(192 + 8 * half, 8);
            var o = 128 * half;
            for (var l = 0; l < 32; l++)
            {
                var s = l / 16;
                y[o + l] = d * (sbyte)scales[s] * (((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32);
                y[o + l + 32] = d * (sbyte)scales[s + 2] * (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
                y[o + l + 64] = d * (sbyte)scales[s + 4] * (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
                y[o + l + 96] = d * (sbyte)scales[s + 6] * (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
            }
        }
    }

    /// <summary>
    /// Scale and min <paramref name="j"/> (0..7) of Q4_K/Q5_K's 12 packed bytes: the first four pairs are the low six
    /// bits of bytes j and j + 4; the last four take their low nibbles from byte j + 4 and their top two bits from the
    /// spare top bits of the first eight bytes.
    /// </summary>
    private static (int Scale, int Min) ScaleMin(ReadOnlySpan<byte> packed, int j) => j < 4
        ? (packed[j] & 63, packed[j + 4] & 63)
        : ((packed[j + 4] & 0xF) | ((packed[j - 4] >> 6) << 4), (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4));

    /// <summary>
    /// Scale <paramref name="i"/> (0..15) of Q3_K's 12 packed bytes: its low nibble from byte i % 8 (low nibbles for the
    /// first eight, high for the rest), its top two bits from bytes 8..11.
    /// </summary>
    private static int Q3Scale(ReadOnlySpan<byte> packed, int i)
    {
        var low = i < 8 ? packed[i] & 0xF : packed[i - 8] >> 4;
        var high = (packed[8 + i % 4] >> (2 * (i / 4))) & 3;
        return low | high << 4;
    }
}
