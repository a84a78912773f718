namespace LlmServe.Worker.Model;

/// <summary>A model reference resolved to a local file or folder, and what kind of model it holds.</summary>
internal sealed record ResolvedModel(string Path, ModelKind Kind);
