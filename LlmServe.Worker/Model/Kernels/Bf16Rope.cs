namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Rotary embedding of a few bf16 rows in one call instead of about ten torch ops per tensor. Every product, sum and
/// difference is rounded to bf16 as torch's bf16 elementwise ops round them, so results are bit-identical.
/// </summary>
internal static unsafe class Bf16Rope
{
    /// <param name="x">(T, H, D) bf16.</param>
    /// <param name="y">(T, H, D) bf16 output.</param>
    /// <param name="positions">(T) positions, each below <paramref name="maxPositions"/>.</param>
    /// <param name="cos">(maxPositions, D/2) bf16 table; <paramref name="sin"/> likewise.</param>
    /// <param name="interleaved">Pairs (2i, 2i+1) (GGUF) rather than (i, i + D/2) (Hugging Face).</param>
    public static void Run(ushort* x, ushort* y, long* positions, ushort* cos, ushort* sin, int maxPositions,
        int t, int h, int d, bool interleaved)
    {
        var half = d / 2;
        for (var token = 0; token < t; token++)
        {
            var position = positions[token];
            if ((ulong)position >= (ulong)maxPositions)
            {
                throw new ArgumentOutOfRangeException(nameof(positions), $"Position {position} is outside the RoPE table ({maxPositions}).");
            }
            var c = cos + position * half;
            var s = sin + position * half;
            for (var head = 0; head < h; head++)
            {
                var offset = ((long)token * h + head) * d;
                for (var i = 0; i < half; i++)
                {
                    int i0 = interleaved ? 2 * i : i, i1 = interleaved ? 2 * i + 1 : i + half;
                    float a = Bf16.ToSingle(x[offset + i0]), b = Bf16.ToSingle(x[offset + i1]);
                    float ci = Bf16.ToSingle(c[i]), si = Bf16.ToSingle(s[i]);
                    y[offset + i0] = Bf16.FromSingle(Bf16.Round(a * ci) - Bf16.Round(b * si));
                    y[offset + i1] = Bf16.FromSingle(Bf16.Round(a * si) + Bf16.Round(b * ci));
                }
            }
        }
    }
}
