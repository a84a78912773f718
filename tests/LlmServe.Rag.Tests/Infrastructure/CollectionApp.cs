using LlmServe.Rag.VectorStores.Embedded;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Rag.Tests.Infrastructure;

/// <summary>The Rag service in memory on a fresh embedded store, embedding through the real MiniLM worker.</summary>
internal sealed class CollectionApp : IAsyncDisposable
{
    public const long MaxUploadBytes = 64 * 1024;

    private readonly string _data = Directory.CreateTempSubdirectory("llmserve-rag-").FullName;

    public CollectionApp(EmbeddingWorkerFixture worker)
    {
        Factory = new RagAppFactory(worker.BaseUrl, settings: new Dictionary<string, string>
        {
            ["Rag:EmbeddingModel"] = EmbeddingWorkerFixture.Model,
            ["Rag:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rag:VectorStore:DataPath"] = _data,
            ["Rag:ChunkTokens"] = "60",
            ["Rag:ChunkOverlapTokens"] = "10",
        });
        Client = Factory.CreateClient();
    }

    public RagAppFactory Factory { get; }

    public HttpClient Client { get; }

    public EmbeddedVectorStore Store => Factory.Services.GetRequiredService<EmbeddedVectorStore>();

    public T Get<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
