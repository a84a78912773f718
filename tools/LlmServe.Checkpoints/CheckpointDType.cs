namespace LlmServe.Checkpoints;

/// <summary>Element type of the weights a checkpoint stores.</summary>
public enum CheckpointDType
{
    F32,
    F16,
    BF16,
}
