using System.Text;

namespace LlmServe.Rag.VectorStores.Milvus;

/// <summary>Milvus boolean expressions for our filters: string literals quoted and escaped, JSON keys indexed.</summary>
internal static class MilvusFilter
{
    /// <summary><c>document == "d"</c>.</summary>
    public static string Document(string document) => $"document == {Quote(document)}";

    /// <summary>The records of a document from chunk <paramref name="fromIndex"/> on: what an upsert leaves stale.</summary>
    public static string StaleChunks(string document, int fromIndex) => $"{Document(document)} and idx >= {fromIndex}";

    /// <summary>A conjunction of equalities; metadata keys address the JSON field: <c>metadata["tag"] == "x"</c>.</summary>
    public static string? From(VectorFilter? filter) => filter is null
        ? null
        : string.Join(" and ", filter.Conditions.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c =>
            c.Key == VectorFilter.DocumentKey ? Document(c.Value) : $"metadata[{Quote(c.Key)}] == {Quote(c.Value)}"));

    public static string Quote(string value)
    {
        var quoted = new StringBuilder("\"", value.Length + 2);
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                quoted.Append('\\');
            }
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }
}
