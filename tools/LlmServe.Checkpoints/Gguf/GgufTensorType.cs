namespace LlmServe.Checkpoints.Gguf;

/// <summary>The ggml tensor types this writer produces (ggml's enum values).</summary>
public enum GgufTensorType : uint
{
    F32 = 0,
    F16 = 1,
    BF16 = 30,
}
