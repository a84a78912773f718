namespace LlmServe.Worker.Tests.Tokenization.Fixtures;

/// <summary>Compares two id sequences over a corpus and describes every string where they differ.</summary>
internal static class Parity
{
    public static List<string> Mismatches(IEnumerable<string> corpus, Func<string, IReadOnlyList<int>> expected, Func<string, IReadOnlyList<int>> actual)
    {
        var mismatches = new List<string>();
        foreach (var text in corpus)
        {
            var (e, a) = (expected(text), actual(text));
            if (!e.SequenceEqual(a))
            {
                mismatches.Add($"{Show(text)}: expected [{string.Join(",", e)}] got [{string.Join(",", a)}]");
            }
        }
        return mismatches;
    }

    /// <summary>Fails listing every mismatching string (not just the first), naming the oracle.</summary>
    public static void AssertSame(string oracle, IEnumerable<string> corpus, Func<string, IReadOnlyList<int>> expected, Func<string, IReadOnlyList<int>> actual)
    {
        var mismatches = Mismatches(corpus, expected, actual);
        if (mismatches.Count > 0)
        {
            Assert.Fail($"{mismatches.Count} strings differ from {oracle}:\n{string.Join("\n", mismatches)}");
        }
    }

    public static string Show(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
