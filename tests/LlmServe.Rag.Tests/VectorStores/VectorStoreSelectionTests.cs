using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Rag.Tests.Infrastructure;
using LlmServe.Rag.VectorStores;
using LlmServe.Rag.VectorStores.Embedded;
using LlmServe.Rag.VectorStores.Milvus;
using LlmServe.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Rag.Tests.VectorStores;

/// <summary>The store the service uses follows configuration, including the keys the Kubernetes ConfigMap sets.</summary>
public sealed class VectorStoreSelectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheConfigMapsMilvusSettings_SendCollectionCallsToThatMilvus()
    {
        await using var milvus = await FakeOpenAiServer.StartAsync(Token);
        milvus.Responder = request => request.Path == "/v2/vectordb/collections/list" ? """{"code":0,"data":[]}""" : """{"code":0,"data":{}}""";
        // The exact keys KubernetesManifestBuilder writes into the rag ConfigMap (Provider "Milvus", capitalised).
        await using var app = new RagAppFactory(settings: new Dictionary<string, string>
        {
            ["Rag:VectorStore:Provider"] = "Milvus",
            ["Rag:VectorStore:Milvus:Endpoint"] = milvus.BaseUrl,
            ["Rag:VectorStore:Milvus:Token"] = "root:Milvus",
        });
        using var client = app.CreateClient();

        var collections = await client.GetFromJsonAsync<JsonElement>("/v1/rag/collections", Token);

        Assert.IsType<MilvusVectorStore>(app.Services.GetRequiredService<IVectorStore>());
        Assert.Equal(0, collections.GetProperty("data").GetArrayLength());
        var call = Assert.Single(milvus.Requests);
        Assert.Equal("/v2/vectordb/collections/list", call.Path);
        Assert.Equal("Bearer root:Milvus", call.Authorization);
    }

    [Fact]
    public async Task ByDefault_TheEmbeddedStoreIsUsed()
    {
        var data = Directory.CreateTempSubdirectory("llmserve-rag-default-").FullName;
        try
        {
            await using var app = new RagAppFactory(settings: new Dictionary<string, string> { ["Rag:VectorStore:DataPath"] = data });

            Assert.IsType<EmbeddedVectorStore>(app.Services.GetRequiredService<IVectorStore>());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
