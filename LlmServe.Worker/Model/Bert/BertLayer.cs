using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Bert;

/// <summary>
/// One post-norm encoder layer (<c>encoder.layer.N.*</c>): attention block, then the feed-forward block
/// intermediate.dense + GELU (erf) and output.dense + residual + LayerNorm.
/// </summary>
internal sealed class BertLayer : IDisposable
{
    private readonly BertAttention _attention;
    private readonly Linear _intermediate, _output;
    private readonly LayerNorm _norm;

    public BertLayer(BertConfig config, IWeightSource weights, string prefix, ScalarType dtype)
    {
        long d = config.HiddenSize, ffn = config.IntermediateSize;
        _attention = new BertAttention(config, weights, prefix + "attention.", dtype);
        _intermediate = Linear.Load(weights, prefix + "intermediate.dense", ffn, d, dtype);
        _output = Linear.Load(weights, prefix + "output.dense", d, ffn, dtype);
        _norm = LayerNorm.Load(weights, prefix + "output.LayerNorm", d, config.LayerNormEps, dtype);
    }

    /// <summary>x: (B, T, d); keyMask: (B, 1, 1, T) bool.</summary>
    public Tensor Forward(Tensor x, Tensor keyMask)
    {
        var attended = _attention.Forward(x, keyMask);                 // (B, T, d)
        var hidden = F.gelu(_intermediate.Forward(attended));          // (B, T, ffn); exact (erf) GELU, BERT's "gelu"
        return _norm.Forward(_output.Forward(hidden).add(attended, HeldScalars.One)); // (B, T, d)
    }

    public void Dispose()
    {
        _attention.Dispose();
        _intermediate.Dispose();
        _output.Dispose();
        _norm.Dispose();
    }
}
