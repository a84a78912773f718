namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// One weight of a (possibly fused) bf16 GEMV and where its result goes: Output (M, Rows) = x (M, K) · Weight (Rows, K)^T
/// + Bias (Rows). Addresses point at contiguous bf16 data owned by live tensors; Bias is zero when absent.
/// </summary>
internal readonly record struct GemvTarget(nint Weight, nint Bias, nint Output, int Rows);
