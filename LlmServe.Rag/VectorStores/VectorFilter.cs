namespace LlmServe.Rag.VectorStores;

/// <summary>
/// A conjunction of equality conditions on a record's metadata; the key <c>document</c> matches the document id.
/// Kept to equality so every store can push it down (SQL <c>jsonb @&gt;</c>, a Milvus filter expression).
/// </summary>
internal sealed record VectorFilter(IReadOnlyDictionary<string, string> Conditions)
{
    public const string DocumentKey = "document";

    public static VectorFilter? FromPairs(IReadOnlyDictionary<string, string>? pairs) =>
        pairs is null || pairs.Count == 0 ? null : new VectorFilter(pairs);

    public bool Matches(VectorRecord record)
    {
        foreach (var (key, value) in Conditions)
        {
            var actual = key == DocumentKey ? record.Document : record.Metadata.GetValueOrDefault(key);
            if (!string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
