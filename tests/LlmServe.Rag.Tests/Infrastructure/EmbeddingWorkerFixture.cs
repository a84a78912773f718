using LlmServe.TestUtilities;

namespace LlmServe.Rag.Tests.Infrastructure;

/// <summary>
/// A real Worker serving all-MiniLM-L6-v2 on <c>/v1/embeddings</c>, shared by a test collection. It speaks the same
/// OpenAI embeddings API as the gateway, so the Rag service can use it as its gateway for embedding-only tests.
/// </summary>
public sealed class EmbeddingWorkerFixture : IAsyncLifetime
{
    public const string Model = "minilm";

    private ServiceProcess? _worker;

    public string BaseUrl => _worker?.BaseUrl ?? throw new InvalidOperationException("The worker has not started.");

    public async ValueTask InitializeAsync() =>
        _worker = await ServiceProcess.StartAsync(BuiltServices.Worker,
            ["--model", "sentence-transformers/all-MiniLM-L6-v2", "--served-model-name", Model, "--dtype", "float32"],
            new Dictionary<string, string>(), TimeSpan.FromMinutes(3), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EmbeddingWorkerCollection : ICollectionFixture<EmbeddingWorkerFixture>
{
    public const string Name = "embedding worker";
}
