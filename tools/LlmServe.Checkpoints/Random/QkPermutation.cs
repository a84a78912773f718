namespace LlmServe.Checkpoints.Random;

/// <summary>
/// llama.cpp's converter permutation of q/k projection rows from Hugging Face's rotate-half RoPE layout into the
/// adjacent-pair layout GGUF "llama" models expect.
/// </summary>
/// <remarks>
/// Per head, HF rotates row r with row r + D/2; GGUF rotates rows 2i and 2i+1. Viewing the (heads * D, in) matrix
/// as (heads, 2, D/2, in) and swapping axes 1 and 2 moves HF row (h, half, i) to GGUF row (h, i, half):
/// <code>
///   HF   head rows: a0 a1 .. a(D/2-1) | b0 b1 .. b(D/2-1)
///   GGUF head rows: a0 b0 a1 b1 .. a(D/2-1) b(D/2-1)
/// </code>
/// Biases (1-D, in = 1) are permuted the same way.
/// </remarks>
internal static class QkPermutation
{
    /// <param name="rows">Row-major (heads * headDim, columns) values in HF layout.</param>
    /// <param name="heads">Heads of this projection: attention heads for q, key/value heads for k.</param>
    public static float[] ToGguf(ReadOnlySpan<float> rows, int heads, int columns)
    {
        var headDim = rows.Length / columns / heads;
        var half = headDim / 2;
        var result = new float[rows.Length];
        for (var h = 0; h < heads; h++)
        {
            for (var part = 0; part < 2; part++)
            {
                for (var i = 0; i < half; i++)
                {
                    var from = (h * headDim + part * half + i) * columns;   // (h, part, i) in (heads, 2, D/2)
                    var to = (h * headDim + i * 2 + part) * columns;        // (h, i, part) in (heads, D/2, 2)
                    rows.Slice(from, columns).CopyTo(result.AsSpan(to, columns));
                }
            }
        }
        return result;
    }
}
