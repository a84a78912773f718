namespace LlmServe.Checkpoints.Random;

/// <summary>Granite's scalars (config.json embedding/attention/residual multipliers and logits_scaling); defaults as Granite 3.x 2B.</summary>
public sealed record GraniteSpec(double EmbeddingMultiplier = 12.0, double AttentionMultiplier = 0.015625,
    double ResidualMultiplier = 0.22, double LogitsScaling = 8.0);
