using System.Runtime.Intrinsics;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>bfloat16 bit conversions that match torch's (c10::BFloat16) rounding exactly.</summary>
internal static class Bf16
{
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Eight bf16 values as float32 (exact): zero-extended to 32 bits and moved into the high half.</summary>
    public static unsafe Vector256<float> Load8(ushort* p) =>
        Vector256.ShiftLeft(Vector256.WidenLower(Vector128.Load(p).ToVector256Unsafe()), 16).AsSingle();

    /// <summary>The value a bf16 tensor would hold: what torch's bf16 elementwise ops store after computing in float32.</summary>
    public static float Round(float value) => ToSingle(FromSingle(value));

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
