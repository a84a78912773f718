namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>One tensor's header entry: dtype name (F32, BF16, ...), row-major shape and byte range.</summary>
internal sealed record SafetensorsTensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ByteSize => End - Begin;
}
