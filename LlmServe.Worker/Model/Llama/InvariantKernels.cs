using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// How a batch-invariant step computes a model whose kernels would otherwise give a row different bits with the
/// step's row count: the linears' kernel for prompt positions and for generated ones. Every new token then also attends
/// alone over exactly its own context (see <see cref="AttentionBatchBuilder.Build"/>).
/// </summary>
internal sealed record InvariantKernels(LinearKernel Prompt, LinearKernel Generated);
