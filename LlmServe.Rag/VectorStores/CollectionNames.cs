using System.Text.RegularExpressions;

namespace LlmServe.Rag.VectorStores;

/// <summary>
/// Collection names: lower-case letters, digits and '_', starting with a letter, at most 48 characters.
/// Narrow on purpose: a name is used unchanged as a folder, a SQL table suffix and a Milvus collection name.
/// </summary>
internal static partial class CollectionNames
{
    public const int MaxLength = 48;

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
