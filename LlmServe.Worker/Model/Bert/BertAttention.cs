using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Bert;

/// <summary>
/// Bidirectional multi-head self-attention with biases, then the output projection, residual and LayerNorm
/// (<c>attention.self.{query,key,value}</c>, <c>attention.output.{dense,LayerNorm}</c>).
/// </summary>
internal sealed class BertAttention : IDisposable
{
    private readonly Linear _query, _key, _value, _output;
    private readonly LayerNorm _norm;
    private readonly int _heads, _headDim;

    public BertAttention(BertConfig config, IWeightSource weights, string prefix, ScalarType dtype)
    {
        long d = config.HiddenSize;
        (_heads, _headDim) = (config.NumHeads, config.HeadDim);
        _query = Linear.Load(weights, prefix + "self.query", d, d, dtype);
        _key = Linear.Load(weights, prefix + "self.key", d, d, dtype);
        _value = Linear.Load(weights, prefix + "self.value", d, d, dtype);
        _output = Linear.Load(weights, prefix + "output.dense", d, d, dtype);
        _norm = LayerNorm.Load(weights, prefix + "output.LayerNorm", d, config.LayerNormEps, dtype);
    }

    /// <summary>x: (B, T, d); keyMask: (B, 1, 1, T) bool, true for real tokens (padding keys get no weight).</summary>
    public Tensor Forward(Tensor x, Tensor keyMask)
    {
        var (b, t) = (x.shape[0], x.shape[1]);
        var q = _query.Forward(x).view(b, t, _heads, _headDim).transpose(1, 2);  // (B, H, T, D)
        var k = _key.Forward(x).view(b, t, _heads, _headDim).transpose(1, 2);    // (B, H, T, D)
        var v = _value.Forward(x).view(b, t, _heads, _headDim).transpose(1, 2);  // (B, H, T, D)
        var context = F.scaled_dot_product_attention(q, k, v, keyMask);         // (B, H, T, D), softmax(qk^T/sqrt(D)) v
        var merged = context.transpose(1, 2).reshape(b, t, _heads * _headDim);   // (B, T, d)
        return _norm.Forward(_output.Forward(merged).add(x, HeldScalars.One));   // (B, T, d)
    }

    public void Dispose()
    {
        _query.Dispose();
        _key.Dispose();
        _value.Dispose();
        _output.Dispose();
        _norm.Dispose();
    }
}
