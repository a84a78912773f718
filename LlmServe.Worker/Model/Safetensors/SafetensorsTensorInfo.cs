namespace LlmServe.Worker.Model.Safetensors;

/// <summary>A tensor's entry in a safetensors header; offsets are relative to the start of the data section.</summary>
internal sealed record SafetensorsTensorInfo(string Name, string Dtype, long[] Shape, long Begin, long End);
