using System.Text.Json.Nodes;
using LlmServe.Rag.VectorStores;
using LlmServe.Rag.VectorStores.Milvus;
using LlmServe.TestUtilities;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Tests.VectorStores;

/// <summary>
/// The Milvus REST API v2 contract: each request's exact JSON (as the Milvus documentation shapes it) and the
/// parsing of the documented responses, against a loopback HTTP server standing in for Milvus.
/// </summary>
public sealed class MilvusVectorStoreTests : IAsyncLifetime
{
    private const string Describe = """
        {"code":0,"data":{"collectionName":"rag_docs","description":"all-minilm","autoId":false,"consistencyLevel":"Bounded",
         "fields":[{"name":"id","type":"VarChar","primaryKey":true,"params":[{"key":"max_length","value":"1024"}]},
                   {"name":"vector","type":"FloatVector","params":[{"key":"dim","value":"2"}]}],
         "indexes":[{"fieldName":"vector","indexName":"vector","metricType":"COSINE"}],"load":"LoadStateLoaded"}}
        """;

    private readonly Dictionary<string, string> _responses = new(StringComparer.Ordinal)
    {
        ["/v2/vectordb/collections/has"] = """{"code":0,"data":{"has":true}}""",
        ["/v2/vectordb/collections/describe"] = Describe,
    };

    private FakeOpenAiServer _milvus = null!;
    private HttpClient _http = null!;
    private MilvusVectorStore _store = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _milvus = await FakeOpenAiServer.StartAsync(Token);
        _milvus.Responder = request => _responses.GetValueOrDefault(request.Path, """{"code":0,"data":{}}""");
        _http = new HttpClient();
        _store = new MilvusVectorStore(_http, Options.Create(new VectorStoreOptions
        {
            Milvus = new MilvusOptions { Endpoint = _milvus.BaseUrl, Token = "root:Milvus" },
        }));
    }

    [Fact]
    public async Task EnsureCollection_CreatesTheSchemaAndHnswCosineIndex()
    {
        _responses["/v2/vectordb/collections/has"] = """{"code":0,"data":{"has":false}}""";

        await _store.EnsureCollectionAsync(new CollectionInfo("docs", "all-minilm", 384), Token);

        var create = Assert.Single(_milvus.Requests, r => r.Path == "/v2/vectordb/collections/create");
        AssertJson("""
            {"collectionName":"rag_docs","description":"all-minilm",
             "schema":{"autoId":false,"enableDynamicField":false,"fields":[
               {"fieldName":"id","dataType":"VarChar","elementTypeParams":{"max_length":1024},"isPrimary":true},
               {"fieldName":"document","dataType":"VarChar","elementTypeParams":{"max_length":1024}},
               {"fieldName":"idx","dataType":"Int64"},
               {"fieldName":"title","dataType":"VarChar","elementTypeParams":{"max_length":4096}},
               {"fieldName":"heading","dataType":"VarChar","elementTypeParams":{"max_length":4096}},
               {"fieldName":"text","dataType":"VarChar","elementTypeParams":{"max_length":65535}},
               {"fieldName":"metadata","dataType":"JSON"},
               {"fieldName":"vector","dataType":"FloatVector","elementTypeParams":{"dim":"384"}}]},
             "indexParams":[{"fieldName":"vector","indexName":"vector","metricType":"COSINE",
               "params":{"index_type":"HNSW","M":16,"efConstruction":128}}],
             "dbName":"default"}
            """, create.Body);
        Assert.All(_milvus.Requests, r => Assert.Equal("Bearer root:Milvus", r.Authorization));
    }

    [Fact]
    public async Task UpsertDocument_WritesRowsThenDeletesStaleChunks()
    {
        await _store.UpsertDocumentAsync("docs", "guide.md",
            [new VectorRecord("guide.md", 0, "Guide", "Intro", "Hello \"world\"", new Dictionary<string, string> { ["lang"] = "en" }, [3, 4])],
            Token);

        var paths = _milvus.Requests.Select(r => r.Path).Where(p => p.StartsWith("/v2/vectordb/entities", StringComparison.Ordinal));
        Assert.Equal(["/v2/vectordb/entities/upsert", "/v2/vectordb/entities/delete"], paths);
        AssertJson("""
            {"collectionName":"rag_docs","data":[{"id":"guide.md#0","document":"guide.md","idx":0,"title":"Guide",
              "heading":"Intro","text":"Hello \"world\"","metadata":{"lang":"en"},"vector":[0.6,0.8]}],"dbName":"default"}
            """, Request("entities/upsert"));
        AssertJson("""
            {"collectionName":"rag_docs","filter":"document == \"guide.md\" and idx >= 1","dbName":"default"}
            """, Request("entities/delete"));
    }

    [Fact]
    public async Task Search_SendsTheFilterAndReadsHitsWithCosineSimilarity()
    {
        _responses["/v2/vectordb/entities/search"] = """
            {"code":0,"cost":0,"data":[
              {"id":"a.md#1","distance":0.93,"document":"a.md","idx":1,"title":"A","heading":"","text":"alpha","metadata":{"tag":"x"}},
              {"id":"b.md#0","distance":0.71,"document":"b.md","idx":0,"title":"B","heading":"H","text":"beta","metadata":{"tag":"x"}}]}
            """;

        var hits = await _store.SearchAsync("docs", [0, 2], 2,
            new VectorFilter(new Dictionary<string, string> { ["tag"] = "x", ["document"] = "a\\b" }), Token);

        AssertJson("""
            {"collectionName":"rag_docs","data":[[0,1]],"annsField":"vector","limit":2,
             "outputFields":["document","idx","title","heading","text","metadata"],
             "searchParams":{"metricType":"COSINE","params":{"ef":64}},"consistencyLevel":"Strong",
             "filter":"document == \"a\\\\b\" and metadata[\"tag\"] == \"x\"","dbName":"default"}
            """, Request("entities/search"));
        Assert.Equal(["a.md#1", "b.md#0"], hits.Select(h => h.Record.Key));
        Assert.Equal(0.93, hits[0].Score, 6);
        Assert.Null(hits[0].Record.Heading);
        Assert.Equal("H", hits[1].Record.Heading);
        Assert.Equal("x", hits[1].Record.Metadata["tag"]);
    }

    [Fact]
    public async Task Collections_AreReadFromListAndDescribe()
    {
        _responses["/v2/vectordb/collections/list"] = """{"code":0,"data":["other","rag_docs"]}""";

        var collections = await _store.ListCollectionsAsync(Token);

        Assert.Equal([new CollectionInfo("docs", "all-minilm", 2)], collections);
        AssertJson("""{"collectionName":"rag_docs","dbName":"default"}""", Request("collections/describe"));
    }

    [Fact]
    public async Task AnErrorCodeInTheBody_Throws()
    {
        _responses["/v2/vectordb/collections/has"] = """{"code":1800,"message":"user hasn't authenticated"}""";

        var error = await Assert.ThrowsAsync<MilvusException>(() => _store.GetCollectionAsync("docs", Token));

        Assert.Equal(1800, error.Code);
        Assert.Contains("user hasn't authenticated", error.Message);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _milvus.DisposeAsync();
    }

    private string Request(string path) => _milvus.Requests.Last(r => r.Path == "/v2/vectordb/" + path).Body;

    private static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");
}
