namespace LlmServe.Worker.Tests.Compatibility;

/// <summary>What every client must get back from the workers, whatever its language or version.</summary>
internal static class Reference
{
    public const string Prompt = "Once upon a time";

    /// <summary>The greedy continuation of <see cref="Prompt"/> by stories260K (llama.cpp agrees; its first 20 tokens cover this).</summary>
    public const string GreedyPrefix = ", there was a little girl named Lily.";

    /// <summary>BOS + 4 pieces.</summary>
    public const int PromptTokens = 5;

    public const int MaxTokens = 20;

    public const string Cat = "The cat sits on the mat.";
    public const string Feline = "A feline rests on a rug.";

    /// <summary>all-MiniLM-L6-v2's cosine similarity of <see cref="Cat"/> and <see cref="Feline"/>.</summary>
    public const double CatFelineCosine = 0.5584;

    public const int EmbeddingLength = 384;

    public static double Norm(ReadOnlySpan<float> v) => Math.Sqrt(Dot(v, v));

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Dot(a, b) / (Norm(a) * Norm(b));

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }
        return sum;
    }
}
