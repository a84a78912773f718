using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace LlmServe.Worker.Tests.Compatibility;

/// <summary>The official .NET client (NuGet OpenAI) against the real workers over HTTP.</summary>
[Collection(CompatibilityCollection.Name)]
public sealed class OpenAiDotNetClientTests(CompatibilityWorkers workers)
{
    private static readonly ApiKeyCredential Key = new("unused");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private OpenAIClientOptions Options(KestrelWorker worker) => new() { Endpoint = worker.OpenAiEndpoint, RetryPolicy = new ClientRetryPolicy(0) };

    private ChatClient Chat => new(CompatibilityWorkers.GenerativeModel, Key, Options(workers.Generative));

    private EmbeddingClient Embeddings => new(CompatibilityWorkers.EmbeddingModel, Key, Options(workers.Embedding));

    private static ChatCompletionOptions Greedy => new() { MaxOutputTokenCount = Reference.MaxTokens, Temperature = 0 };

    [Fact]
    public async Task CompleteChat_Greedy_ReturnsTheReferenceContinuationWithUsage()
    {
        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage(Reference.Prompt)], Greedy, Cancellation);

        Assert.StartsWith(Reference.GreedyPrefix, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(Reference.PromptTokens, completion.Usage.InputTokenCount);
        Assert.Equal(Reference.MaxTokens, completion.Usage.OutputTokenCount);
        Assert.Equal(Reference.PromptTokens + Reference.MaxTokens, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task CompleteChatStreaming_Greedy_UpdatesAssembleTheNonStreamingText()
    {
        ChatCompletion whole = await Chat.CompleteChatAsync([new UserChatMessage(Reference.Prompt)], Greedy, Cancellation);

        var text = new StringBuilder();
        var updates = 0;
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage(Reference.Prompt)], Greedy, Cancellation))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.StartsWith(Reference.GreedyPrefix, text.ToString());
        Assert.True(updates > 2, $"{updates} updates");
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);   // the client asks for stream_options.include_usage itself
        Assert.Equal(Reference.PromptTokens, usage.InputTokenCount);
        Assert.Equal(Reference.MaxTokens, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Completions_Greedy_ReturnsTheReferenceContinuation()
    {
        // OpenAI 2.15.0's LegacyCompletionClient is internal: plain HTTP, as such a client would send it.
        using var http = new HttpClient();
        var request = new
        {
            model = CompatibilityWorkers.GenerativeModel, prompt = Reference.Prompt, max_tokens = Reference.MaxTokens, temperature = 0,
        };

        using var response = await http.PostAsJsonAsync(new Uri(workers.Generative.BaseUri, "v1/completions"), request, Cancellation);

        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal("text_completion", body.RootElement.GetProperty("object").GetString());
        Assert.StartsWith(Reference.GreedyPrefix, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(Reference.MaxTokens, body.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task GenerateEmbeddings_DefaultBase64Encoding_ReturnsUnitVectorsWithTheReferenceCosine()
    {
        OpenAIEmbeddingCollection embeddings = await Embeddings.GenerateEmbeddingsAsync([Reference.Cat, Reference.Feline], cancellationToken: Cancellation);

        AssertReferenceEmbeddings(embeddings);
        Assert.True(embeddings.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task GenerateEmbeddings_ExplicitFloatEncoding_EqualsTheBase64Result()
    {
        // The typed options have no encoding setting; the protocol method sends the request as written.
        var request = JsonSerializer.Serialize(new
        {
            model = CompatibilityWorkers.EmbeddingModel, input = new[] { Reference.Cat, Reference.Feline }, encoding_format = "float",
        });
        var result = await Embeddings.GenerateEmbeddingsAsync(BinaryContent.Create(BinaryData.FromString(request)), new RequestOptions { CancellationToken = Cancellation });
        var asFloat = ModelReaderWriter.Read<OpenAIEmbeddingCollection>(result.GetRawResponse().Content, ModelReaderWriterOptions.Json);
        OpenAIEmbeddingCollection byDefault = await Embeddings.GenerateEmbeddingsAsync([Reference.Cat, Reference.Feline], cancellationToken: Cancellation);

        Assert.NotNull(asFloat);
        Assert.Contains("\"embedding\":[", result.GetRawResponse().Content.ToString().Replace(" ", ""));
        AssertReferenceEmbeddings(asFloat);
        Assert.Equal(byDefault[0].ToFloats().ToArray(), asFloat[0].ToFloats().ToArray());
    }

    private static void AssertReferenceEmbeddings(OpenAIEmbeddingCollection embeddings)
    {
        Assert.Equal(2, embeddings.Count);
        Assert.Equal([0, 1], embeddings.Select(e => e.Index));
        var cat = embeddings[0].ToFloats();
        var feline = embeddings[1].ToFloats();
        Assert.Equal(Reference.EmbeddingLength, cat.Length);
        Assert.Equal(Reference.EmbeddingLength, feline.Length);
        Assert.Equal(1.0, Reference.Norm(cat.Span), 1e-4);
        Assert.Equal(1.0, Reference.Norm(feline.Span), 1e-4);
        Assert.Equal(Reference.CatFelineCosine, Reference.Cosine(cat.Span, feline.Span), 1e-3);
    }
}
