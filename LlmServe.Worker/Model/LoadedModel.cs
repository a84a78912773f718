using LlmServe.Worker.Chat.Jinja;
using LlmServe.Worker.Model.Llama;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Model;

/// <summary>Everything a replica needs of one checkpoint: the network, its tokenizer and its prompt conventions.</summary>
/// <remarks>
/// <see cref="ChatTemplate"/> is parsed when the model loads, so a template this worker cannot render fails the load.
/// <see cref="BosToken"/> and <see cref="EosToken"/> are the special tokens' text, which templates write themselves.
/// </remarks>
internal sealed class LoadedModel(
    LlamaModel network, ITokenizer tokenizer, ChatTemplate? chatTemplate, int maxModelLen, IReadOnlyList<int> eosTokenIds,
    string? bosToken = null, string? eosToken = null) : IDisposable
{
    public LlamaModel Network { get; } = network;
    public ITokenizer Tokenizer { get; } = tokenizer;
    public ChatTemplate? ChatTemplate { get; } = chatTemplate;
    public int MaxModelLen { get; } = maxModelLen;
    public IReadOnlyList<int> EosTokenIds { get; } = eosTokenIds;
    public string? BosToken { get; } = bosToken;
    public string? EosToken { get; } = eosToken;

    public void Dispose() => Network.Dispose();
}
