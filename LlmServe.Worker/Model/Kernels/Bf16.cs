using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>bfloat16 bit conversions that match torch's (c10::BFloat16) rounding exactly.</summary>
internal static class Bf16
{
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Eight bf16 values as float32 (exact): zero-extended to 32 bits and moved into the high half.</summary>
    public static unsafe Vector256<float> Load8(ushort* p) =>
        Vector256.ShiftLeft(Vector256.WidenLower(Vector128.Load(p).ToVector256Unsafe()), 16).AsSingle();

    /// <summary>Four bf16 values as float32 (exact), as <see cref="Load8"/>.</summary>
    public static unsafe Vector128<float> Load4(ushort* p) =>
        Vector128.ShiftLeft(Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)p).AsUInt16()), 16).AsSingle();

    /// <summary>Sixteen bf16 values as float32 (exact), as <see cref="Load8"/>.</summary>
    public static unsafe Vector512<float> Load16(ushort* p) =>
        Vector512.ShiftLeft(Vector512.WidenLower(Vector256.Load(p).ToVector512Unsafe()), 16).AsSingle();

    /// <summary>
    /// Stores eight values that are already bf16 (as <see cref="Round(Vector256{float})"/> leaves them) as bf16: the
    /// same bits <see cref="FromSingle"/> gives each of them.
    /// </summary>
    public static unsafe void Store8(Vector256<float> rounded, ushort* p)
    {
        var high = rounded.AsUInt32() >> 16;
        Vector128.Narrow(high.GetLower(), high.GetUpper()).Store(p);
    }

    /// <summary>Sixteen values that are already bf16 as bf16, as <see cref="Store8"/>, with one narrowing move.</summary>
    public static unsafe void Store16(Vector512<float> rounded, ushort* p) =>
        Avx512F.ConvertToVector256UInt16(rounded.AsUInt32() >> 16).Store(p);

    /// <summary>Four values that are already bf16 (as <see cref="Round(Vector128{float})"/> leaves them) as bf16, as <see cref="Store8"/>.</summary>
    public static unsafe void Store4(Vector128<float> rounded, ushort* p)
    {
        var high = rounded.AsUInt32() >> 16;
        *(ulong*)p = Vector128.Narrow(high, high).AsUInt64().ToScalar();
    }

    /// <summary>The value a bf16 tensor would hold: what torch's bf16 elementwise ops store after computing in float32.</summary>
    public static float Round(float value) => ToSingle(FromSingle(value));

    /// <summary><see cref="Round(float)"/> on every lane, for finite values and infinities (NaN is not kept quiet).</summary>
    public static Vector512<float> Round(Vector512<float> v)
    {
        var bits = v.AsUInt32();
        var rounded = bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One);
        return (rounded & Vector512.Create(0xFFFF0000u)).AsSingle();
    }

    /// <inheritdoc cref="Round(Vector512{float})"/>
    public static Vector256<float> Round(Vector256<float> v)
    {
        var bits = v.AsUInt32();
        var rounded = bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One);
        return (rounded & Vector256.Create(0xFFFF0000u)).AsSingle();
    }

    /// <inheritdoc cref="Round(Vector512{float})"/>
    public static Vector128<float> Round(Vector128<float> v)
    {
        var bits = v.AsUInt32();
        var rounded = bits + Vector128.Create(0x7FFFu) + ((bits >> 16) & Vector128<uint>.One);
        return (rounded & Vector128.Create(0xFFFF0000u)).AsSingle();
    }

    /// <summary><see cref="FromSingle"/> on 16 lanes, stored at <paramref name="p"/>: the same bits, NaN's quiet NaN included.</summary>
    public static unsafe void StoreFromSingle16(Vector512<float> values, ushort* p) =>
        Store16(Vector512.ConditionalSelect(Vector512.IsNaN(values), Vector512.Create(0x7FC00000u).AsSingle(), Round(values)), p);

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
