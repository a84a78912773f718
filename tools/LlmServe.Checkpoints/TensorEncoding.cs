using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LlmServe.Checkpoints;

/// <summary>float32 values to the little-endian bytes of F32, F16 or BF16 storage.</summary>
public static class TensorEncoding
{
    public static int ElementSize(CheckpointDType dtype) => dtype == CheckpointDType.F32 ? 4 : 2;

    /// <summary>The safetensors dtype string ("F32", "F16", "BF16").</summary>
    public static string SafetensorsName(CheckpointDType dtype) => dtype.ToString();

    /// <summary>
    /// Rounds values in place to what <paramref name="dtype"/> can hold, so that a tensor stored as F32 in one file
    /// (GGUF keeps 1-D tensors in F32) and as BF16/F16 in another holds the same numbers.
    /// </summary>
    public static void RoundTo(Span<float> values, CheckpointDType dtype)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = dtype switch
            {
                CheckpointDType.F16 => (float)(Half)values[i],
                CheckpointDType.BF16 => FromBFloat16(ToBFloat16(values[i])),
                _ => values[i],
            };
        }
    }

    public static byte[] Encode(ReadOnlySpan<float> values, CheckpointDType dtype)
    {
        if (dtype == CheckpointDType.F32)
        {
            return MemoryMarshal.AsBytes(values).ToArray();
        }
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            var slot = bytes.AsSpan(i * 2, 2);
            if (dtype == CheckpointDType.F16)
            {
                BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)values[i]);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(slot, ToBFloat16(values[i]));
            }
        }
        return bytes;
    }

    /// <summary>float32 to bfloat16 with round-to-nearest-even, as torch's <c>.to(torch.bfloat16)</c> does.</summary>
    public static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);   // keep it a (quiet) NaN
        }
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static float FromBFloat16(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);
}
