namespace LlmServe.Worker.Model.Llama;

/// <summary>How one layer's attention turns scores into weights.</summary>
/// <param name="Scale">Factor on q.k (1/sqrt(head dim) unless the model says otherwise, e.g. Gemma 2's query_pre_attn_scalar).</param>
/// <param name="Softcap">When set, scores become cap * tanh(scores / cap) before masking (Gemma 2).</param>
/// <param name="Window">
/// When set, a query at position p sees only keys at positions p - Window + 1 .. p, Window keys including itself
/// (transformers' and llama.cpp's sliding-window semantics).
/// </param>
internal sealed record AttentionOptions(double Scale, double? Softcap = null, int? Window = null)
{
    public static AttentionOptions Default(int headDim) => new(1.0 / Math.Sqrt(headDim));
}
