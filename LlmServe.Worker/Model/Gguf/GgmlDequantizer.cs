using LlmServe.Conversion.Gguf;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>
/// Quantized GGUF tensors to float32 on load: the legacy block formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0), the k-quants
/// (Q2_K to Q6_K) that llama.cpp's Q*_K_S/M/L files are made of, and the codebook types IQ4_NL and IQ4_XS. Blocks are
/// independent, so large tensors are decoded on all cores.
/// </summary>
internal static class GgmlDequantizer
{
    private delegate void BlockDecoder(ReadOnlySpan<byte> block, Span<float> values);

    /// <summary>Blocks per parallel work item: enough to outweigh scheduling, few enough to balance.</summary>
    private const int BlocksPerItem = 1024;

    public static bool Supports(GgmlType type) => Decoder(type) is not null;

    /// <summary>The <paramref name="count"/> values encoded in <paramref name="data"/>, a whole number of blocks.</summary>
    public static unsafe float[] Dequantize(GgmlType type, byte[] data, long count)
    {
        var values = new float[count];
        fixed (float* destination = values)
        {
            Dequantize(type, data, count, destination);
        }
        return values;
    }

    /// <summary>
    /// Decodes into <paramref name="destination"/> (room for <paramref name="count"/> floats, e.g. a new float32
    /// tensor's storage), so a tensor is filled without a managed copy in between and may hold 2^31 values or more.
    /// </summary>
    public static unsafe void Dequantize(GgmlType type, byte[] data, long count, float* destination)
    {
        var decode = Decoder(type) ?? throw new NotSupportedException($"Tensors of type {type} cannot be dequantized.");
        var (elements, bytes) = GgmlBlocks.Of(type)!.Value;
        var blocks = count / elements;
        if (data.LongLength != blocks * bytes || count % elements != 0)
        {
            throw new InvalidDataException($"{count} values of type {type} take {count / elements * bytes} bytes, not {data.LongLength}.");
        }
        var items = (int)((blocks + BlocksPerItem - 1) / BlocksPerItem);
        var address = (nint)destination;
        Parallel.For(0, items, item =>
        {
            var end = Math.Min(blocks, (item + 1L) * BlocksPerItem);
            for (var b = item * (long)BlocksPerItem; b < end; b++)
            {
                decode(data.AsSpan(checked((int)(b * bytes)), bytes), new Span<float>((float*)address + b * elements, elements));
            }
        });
    }

    private static BlockDecoder? Decoder(GgmlType type) => type switch
    {
        GgmlType.Q4_0 => LegacyQuantBlocks.Q4_0,
        GgmlType.Q4_1 => LegacyQuantBlocks.Q4_1,
        GgmlType.Q5_0 => LegacyQuantBlocks.Q5_0,
        GgmlType.Q5_1 => LegacyQuantBlocks.Q5_1,
        GgmlType.Q8_0 => LegacyQuantBlocks.Q8_0,
        GgmlType.Q2_K => KQuantBlocks.Q2_K,
        GgmlType.Q3_K => KQuantBlocks.Q3_K,
        GgmlType.Q4_K => KQuantBlocks.Q4_K,
        GgmlType.Q5_K => KQuantBlocks.Q5_K,
        GgmlType.Q6_K => KQuantBlocks.Q6_K,
        GgmlType.IQ4_NL => NonLinearQuantBlocks.IQ4_NL,
        GgmlType.IQ4_XS => NonLinearQuantBlocks.IQ4_XS,
        _ => null,
    };
}
