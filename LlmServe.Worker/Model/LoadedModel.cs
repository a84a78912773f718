using LlmServe.Worker.Model.Llama;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Model;

/// <summary>Everything a replica needs of one checkpoint: the network, its tokenizer and its prompt conventions.</summary>
internal sealed class LoadedModel(LlamaModel network, ITokenizer tokenizer, string? chatTemplate, int maxModelLen, IReadOnlyList<int> eosTokenIds) : IDisposable
{
    public LlamaModel Network { get; } = network;
    public ITokenizer Tokenizer { get; } = tokenizer;
    public string? ChatTemplate { get; } = chatTemplate;
    public int MaxModelLen { get; } = maxModelLen;
    public IReadOnlyList<int> EosTokenIds { get; } = eosTokenIds;

    public void Dispose() => Network.Dispose();
}
