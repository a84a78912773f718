using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.VectorStores.Milvus;

/// <summary>
/// Milvus through its REST API v2 (<c>POST /v2/vectordb/...</c>); the gRPC client package is not available to us.
/// A collection <c>n</c> is the Milvus collection <c>rag_n</c> with fields id (VarChar primary key
/// <c>document#idx</c>), document, idx, title, heading, text, metadata (JSON) and vector (FloatVector, HNSW, COSINE);
/// the embedding model is kept in the collection description.
/// </summary>
/// <remarks>
/// A document upsert writes the new chunks (replacing equal keys) and then deletes the document's chunks past the
/// new count, so the document is never absent in between. Reads ask for Strong consistency so that a search right
/// after an acknowledged upsert sees it.
/// </remarks>
internal sealed class MilvusVectorStore(HttpClient http, IOptions<VectorStoreOptions> options) : IVectorStore
{
    private const string Prefix = "rag_";
    private const int MaxVarChar = 65535;
    private static readonly string[] OutputFields = ["document", "idx", "title", "heading", "text", "metadata"];

    private MilvusOptions Milvus => options.Value.Milvus;

    public async Task EnsureCollectionAsync(CollectionInfo collection, CancellationToken cancellationToken)
    {
        if (await GetCollectionAsync(collection.Name, cancellationToken) is { } existing)
        {
            CollectionGuard.EnsureSame(existing, collection);
            return;
        }
        var hnsw = options.Value.Hnsw;
        await PostAsync("collections/create", new JsonObject
        {
            ["collectionName"] = MilvusName(collection.Name),
            ["description"] = collection.EmbeddingModel,
            ["schema"] = new JsonObject
            {
                ["autoId"] = false,
                ["enableDynamicField"] = false,
                ["fields"] = new JsonArray(
                    VarChar("id", 1024, primary: true),
                    VarChar("document", 1024),
                    new JsonObject { ["fieldName"] = "idx", ["dataType"] = "Int64" },
                    VarChar("title", 4096),
                    VarChar("heading", 4096),
                    VarChar("text", MaxVarChar),
                    new JsonObject { ["fieldName"] = "metadata", ["dataType"] = "JSON" },
                    new JsonObject
                    {
                        ["fieldName"] = "vector",
                        ["dataType"] = "FloatVector",
                        ["elementTypeParams"] = new JsonObject { ["dim"] = collection.Dimension.ToString(CultureInfo.InvariantCulture) },
                    }),
            },
            ["indexParams"] = new JsonArray(new JsonObject
            {
                ["fieldName"] = "vector",
                ["indexName"] = "vector",
                ["metricType"] = "COSINE",
                ["params"] = new JsonObject
                {
                    ["index_type"] = "HNSW",
                    ["M"] = hnsw.Connectivity,
                    ["efConstruction"] = hnsw.ExpansionAdd,
                },
            }),
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        var data = await PostAsync("collections/list", new JsonObject(), cancellationToken);
        List<CollectionInfo> collections = [];
        foreach (var name in data.EnumerateArray().Select(n => n.GetString() ?? "")
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (await DescribeAsync(name, cancellationToken) is { } info)
            {
                collections.Add(info);
            }
        }
        return collections;
    }

    public async Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken)
    {
        var has = await PostAsync("collections/has", new JsonObject { ["collectionName"] = MilvusName(name) }, cancellationToken);
        return has.GetProperty("has").GetBoolean() ? await DescribeAsync(MilvusName(name), cancellationToken) : null;
    }

    public async Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken)
    {
        if (await GetCollectionAsync(name, cancellationToken) is null)
        {
            return false;
        }
        await PostAsync("collections/drop", new JsonObject { ["collectionName"] = MilvusName(name) }, cancellationToken);
        return true;
    }

    public async Task UpsertDocumentAsync(string collection, string document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        var info = await RequireAsync(collection, cancellationToken);
        CollectionGuard.EnsureDimension(info, records);
        if (records.Count > 0)
        {
            var rows = new JsonArray([.. records.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Key,
                ["document"] = document,
                ["idx"] = r.Index,
                ["title"] = r.Title,
                ["heading"] = r.Heading ?? "",
                ["text"] = r.Text,
                ["metadata"] = JsonSerializer.SerializeToNode(r.Metadata),
                ["vector"] = new JsonArray([.. VectorMath.Normalize(r.Vector).Select(v => (JsonNode)v)]),
            })]);
            await PostAsync("entities/upsert", new JsonObject { ["collectionName"] = MilvusName(collection), ["data"] = rows }, cancellationToken);
        }
        await PostAsync("entities/delete", new JsonObject
        {
            ["collectionName"] = MilvusName(collection),
            ["filter"] = MilvusFilter.StaleChunks(document, records.Count),
        }, cancellationToken);
    }

    public async Task<bool> DeleteDocumentAsync(string collection, string document, CancellationToken cancellationToken)
    {
        await RequireAsync(collection, cancellationToken);
        var existing = await QueryAsync(collection, MilvusFilter.Document(document), limit: 1, cancellationToken);
        if (existing.Count == 0)
        {
            return false;
        }
        await PostAsync("entities/delete", new JsonObject
        {
            ["collectionName"] = MilvusName(collection),
            ["filter"] = MilvusFilter.Document(document),
        }, cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<VectorHit>> SearchAsync(
        string collection, float[] query, int topK, VectorFilter? filter, CancellationToken cancellationToken)
    {
        var info = await RequireAsync(collection, cancellationToken);
        CollectionGuard.EnsureDimension(info, query);
        var request = new JsonObject
        {
            ["collectionName"] = MilvusName(collection),
            ["data"] = new JsonArray(new JsonArray([.. VectorMath.Normalize(query).Select(v => (JsonNode)v)])),
            ["annsField"] = "vector",
            ["limit"] = topK,
            ["outputFields"] = new JsonArray([.. OutputFields.Select(f => (JsonNode)f)]),
            ["searchParams"] = new JsonObject
            {
                ["metricType"] = "COSINE",
                ["params"] = new JsonObject { ["ef"] = Math.Max(options.Value.Hnsw.ExpansionSearch, topK) },
            },
            ["consistencyLevel"] = "Strong",
        };
        if (MilvusFilter.From(filter) is { } expression)
        {
            request["filter"] = expression;
        }
        var data = await PostAsync("entities/search", request, cancellationToken);
        // With the COSINE metric Milvus reports the similarity itself as "distance" (higher is closer).
        return [.. data.EnumerateArray().Select(hit => new VectorHit(ReadRecord(hit, []), hit.GetProperty("distance").GetDouble()))];
    }

    public async Task<IReadOnlyList<VectorRecord>> ListRecordsAsync(string collection, CancellationToken cancellationToken)
    {
        await RequireAsync(collection, cancellationToken);
        // Milvus caps a query's limit at 16384; a collection larger than that needs iteration, not done here.
        return await QueryAsync(collection, "idx >= 0", limit: 16384, cancellationToken, withVectors: true);
    }

    internal static string MilvusName(string collection) =>
        CollectionNames.IsValid(collection) ? Prefix + collection : throw new CollectionNotFoundException(collection);

    private async Task<IReadOnlyList<VectorRecord>> QueryAsync(
        string collection, string filter, int limit, CancellationToken cancellationToken, bool withVectors = false)
    {
        var data = await PostAsync("entities/query", new JsonObject
        {
            ["collectionName"] = MilvusName(collection),
            ["filter"] = filter,
            ["outputFields"] = new JsonArray([.. OutputFields.Concat(withVectors ? ["vector"] : []).Select(f => (JsonNode)f)]),
            ["limit"] = limit,
            ["consistencyLevel"] = "Strong",
        }, cancellationToken);
        return [.. data.EnumerateArray().Select(row => ReadRecord(row,
            withVectors ? [.. row.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle())] : []))
            .OrderBy(r => r.Document, StringComparer.Ordinal).ThenBy(r => r.Index)];
    }

    private async Task<CollectionInfo?> DescribeAsync(string milvusName, CancellationToken cancellationToken)
    {
        var data = await PostAsync("collections/describe", new JsonObject { ["collectionName"] = milvusName }, cancellationToken);
        var vector = data.GetProperty("fields").EnumerateArray().FirstOrDefault(f => f.GetProperty("name").GetString() == "vector");
        if (vector.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var dimension = vector.GetProperty("params").EnumerateArray()
            .Where(p => p.GetProperty("key").GetString() == "dim")
            .Select(p => int.Parse(p.GetProperty("value").GetString() ?? "0", CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var model = data.TryGetProperty("description", out var description) ? description.GetString() ?? "" : "";
        return new CollectionInfo(milvusName[Prefix.Length..], model, dimension);
    }

    private async Task<CollectionInfo> RequireAsync(string collection, CancellationToken cancellationToken) =>
        await GetCollectionAsync(collection, cancellationToken) ?? throw new CollectionNotFoundException(collection);

    private static VectorRecord ReadRecord(JsonElement row, float[] vector)
    {
        var heading = row.GetProperty("heading").GetString();
        var metadata = row.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object
            ? m.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal)
            : [];
        return new VectorRecord(
            row.GetProperty("document").GetString() ?? "", row.GetProperty("idx").GetInt32(), row.GetProperty("title").GetString() ?? "",
            string.IsNullOrEmpty(heading) ? null : heading, row.GetProperty("text").GetString() ?? "", metadata, vector);
    }

    private static JsonObject VarChar(string name, int maxLength, bool primary = false)
    {
        var field = new JsonObject
        {
            ["fieldName"] = name,
            ["dataType"] = "VarChar",
            ["elementTypeParams"] = new JsonObject { ["max_length"] = maxLength },
        };
        if (primary)
        {
            field["isPrimary"] = true;
        }
        return field;
    }

    /// <summary>POSTs to <c>/v2/vectordb/{path}</c> and returns <c>data</c>, or throws on a non-zero <c>code</c>.</summary>
    private async Task<JsonElement> PostAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        body["dbName"] = Milvus.DbName;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(Milvus.Endpoint.TrimEnd('/') + "/"), "v2/vectordb/" + path))
        {
            Content = JsonContent.Create(body),
        };
        if (!string.IsNullOrEmpty(Milvus.Token))
        {
            request.Headers.Authorization = new("Bearer", Milvus.Token);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var root = document.RootElement;
        var code = root.TryGetProperty("code", out var c) ? c.GetInt32() : -1;
        if (code != 0)
        {
            var message = root.TryGetProperty("message", out var m) ? m.GetString() ?? "" : root.GetRawText();
            throw new MilvusException(path, code, message);
        }
        return root.TryGetProperty("data", out var data) ? data.Clone() : default;
    }
}
