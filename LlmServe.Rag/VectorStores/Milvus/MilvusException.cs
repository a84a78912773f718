namespace LlmServe.Rag.VectorStores.Milvus;

/// <summary>Milvus answered with a non-zero <c>code</c> (its REST API reports errors in the body with HTTP 200).</summary>
internal sealed class MilvusException(string operation, int code, string message)
    : Exception($"Milvus {operation} failed with code {code}: {message}")
{
    public int Code { get; } = code;
}
