using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Bert;

/// <summary>Pooling and normalisation as sentence-transformers computes them.</summary>
internal static class SentencePooling
{
    private static readonly Scalar CountFloor = 1e-9.ToScalar(); // the floor is sentence-transformers'; held: see HeldScalars

    /// <summary>hidden: (B, T, d); mask: (B, T) bool, true for real tokens. Returns (B, d).</summary>
    public static Tensor Pool(Tensor hidden, Tensor mask, PoolingMode mode)
    {
        if (mode == PoolingMode.Cls)
        {
            return hidden.select(1, 0);                                   // (B, d)
        }
        var weights = mask.unsqueeze(-1).to_type(hidden.dtype);          // (B, T, 1)
        var sum = (hidden * weights).sum(1);                              // (B, d)
        var count = weights.sum(1).clamp_min(CountFloor);                 // (B, 1)
        return sum / count;                                               // (B, d)
    }

    /// <summary>L2 normalisation of each row: x: (B, d) to (B, d), with torch's eps of 1e-12.</summary>
    public static Tensor Normalize(Tensor x) => F.normalize(x, p: 2, dim: 1);
}
