namespace LlmServe.Worker.Model.Kernels;

/// <summary>bfloat16 bit conversions that match torch's (c10::BFloat16) rounding exactly.</summary>
internal static class Bf16
{
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Round to nearest, ties to even; NaN stays a quiet NaN.</summary>
    public static ushort FromSingle(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}
