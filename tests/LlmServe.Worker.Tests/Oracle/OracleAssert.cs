namespace LlmServe.Worker.Tests.Oracle;

/// <summary>Comparisons with messages that say where and by how much two runtimes differ.</summary>
internal static class OracleAssert
{
    /// <summary>||actual - expected||2 / ||expected||2.</summary>
    public static double RelativeL2(IReadOnlyList<float> actual, IReadOnlyList<float> expected)
    {
        Assert.Equal(expected.Count, actual.Count);
        double diff = 0, norm = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var d = (double)actual[i] - expected[i];
            diff += d * d;
            norm += (double)expected[i] * expected[i];
        }
        return Math.Sqrt(diff / norm);
    }

    public static void LogitsClose(IReadOnlyList<float> actual, IReadOnlyList<float> expected, double tolerance, string what)
    {
        var error = RelativeL2(actual, expected);
        TestContext.Current.TestOutputHelper?.WriteLine($"{what}: relative L2 error {error:E3}");
        Assert.True(error < tolerance, $"{what}: relative L2 error {error:E3} vs llama.cpp exceeds {tolerance:E1}.");
    }

    /// <summary>Token-identical sequences; on a mismatch, names the first differing step.</summary>
    public static void SameTokens(IReadOnlyList<int> expected, IReadOnlyList<int> actual, string what)
    {
        var n = Math.Min(expected.Count, actual.Count);
        for (var i = 0; i < n; i++)
        {
            Assert.True(expected[i] == actual[i],
                $"{what}: step {i} differs: llama.cpp {expected[i]}, ours {actual[i]} (llama.cpp: [{string.Join(", ", expected)}]; ours: [{string.Join(", ", actual)}]).");
        }
        Assert.Equal(expected.Count, actual.Count);
    }
}
