namespace LlmServe.Conversion.Safetensors;

/// <summary>A float32 tensor to write: row-major <paramref name="Data"/> of shape <paramref name="Shape"/>.</summary>
public sealed record SafetensorsTensor(string Name, long[] Shape, float[] Data);
