namespace LlmServe.Worker.Model;

/// <summary>What a checkpoint is served as: decided from its format and, for folders, config.json.</summary>
internal enum ModelKind
{
    /// <summary>A decoder (Llama family) behind /v1/completions and /v1/chat/completions.</summary>
    Generative,

    /// <summary>A BERT-family encoder behind /v1/embeddings.</summary>
    Embedding,
}
