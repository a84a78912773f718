namespace LlmServe.Worker.Model.Bert;

/// <summary>How token states become one sentence vector (sentence-transformers' Pooling module).</summary>
internal enum PoolingMode
{
    /// <summary>The mean of the real (non-padding) tokens' states.</summary>
    Mean,

    /// <summary>The state of the first token ([CLS]).</summary>
    Cls,
}
