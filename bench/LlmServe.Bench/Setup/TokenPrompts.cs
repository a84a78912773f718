namespace LlmServe.Bench.Setup;

/// <summary>
/// Prompts as random token ids, the same ids for both runtimes. Ids start above the synthetic vocabulary's
/// special and byte tokens (&lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, 256 bytes) so no prompt contains EOS or a control token.
/// </summary>
internal sealed class TokenPrompts(int vocabSize, int seed)
{
    private const int FirstOrdinaryId = 259;
    private readonly System.Random _random = new(seed);

    public int[] Next(int length)
    {
        var ids = new int[length];
        for (var i = 0; i < length; i++)
        {
            ids[i] = _random.Next(FirstOrdinaryId, vocabSize);
        }
        return ids;
    }

    public List<int[]> Many(int count, int length) => Enumerable.Range(0, count).Select(_ => Next(length)).ToList();
}
