namespace LlmServe.Worker.Tests.Tokenization.Fixtures;

/// <summary>
/// Hugging Face <c>tokenizers</c> itself (the Rust library, through Tokenizers.DotNet): encodes with special
/// tokens added by the post-processor and decodes with <c>skip_special_tokens=True</c>.
/// </summary>
internal sealed class HfOracle(string tokenizerJsonPath) : IDisposable
{
    private readonly Tokenizers.DotNet.Tokenizer _tokenizer = new(tokenizerJsonPath);
    private readonly Lock _lock = new();

    public int[] Encode(string text)
    {
        lock (_lock)
        {
            return _tokenizer.Encode(text).Select(id => (int)id).ToArray();
        }
    }

    public string Decode(IEnumerable<int> ids)
    {
        lock (_lock)
        {
            return _tokenizer.Decode(ids.Select(id => (uint)id).ToArray());
        }
    }

    public void Dispose() => _tokenizer.Dispose();
}
