using System.Diagnostics;
using System.Globalization;
using LlmServe.Bench.Reporting;
using LlmServe.Rag.VectorStores;
using LlmServe.Rag.VectorStores.Embedded;
using LlmServe.Rag.VectorStores.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmServe.Bench.Scenarios;

/// <summary>Settings of the vector search benchmark.</summary>
internal sealed record VectorSearchSettings(
    int Count, int Dimension, int Queries, int K, int Clusters, double Spread,
    int Connectivity, int ExpansionAdd, IReadOnlyList<int> EfSearch, IReadOnlyList<int> PgEfSearch, string PgConnection);

/// <summary>
/// The embedded store (USearch HNSW behind the write-ahead log) against PostgreSQL + pgvector HNSW on the same
/// vectors and queries, in one run: recall@k against exact search, and sequential queries per second (one client,
/// each query waiting for the previous, so the figure is per-query latency inverted, not a saturation test).
/// </summary>
internal static class VectorSearchScenario
{
    private const int Rounds = 3;
    private const double TargetRecall = 0.95;

    public static async Task<ResultSection> RunAsync(VectorSearchSettings s)
    {
        Console.WriteLine($"Generating {s.Count} x {s.Dimension} vectors and {s.Queries} queries ...");
        var vectors = ClusteredVectors.Generate(s.Count, s.Dimension, s.Clusters, s.Spread, centreSeed: 1, seed: 2);
        var queries = ClusteredVectors.Generate(s.Queries, s.Dimension, s.Clusters, s.Spread, centreSeed: 1, seed: 3);
        var truth = queries.Select(q => VectorMath.ExactTopK(q, vectors, s.K).Select(h => h.Index).ToHashSet()).ToArray();
        List<Measurement> rows = [];

        Console.WriteLine("Embedded store: loading ...");
        var folder = Directory.CreateTempSubdirectory("llmserve-bench-vectors-").FullName;
        try
        {
            using var store = new EmbeddedVectorStore(Options.Create(new VectorStoreOptions
            {
                DataPath = folder,
                Hnsw = new HnswOptions { Connectivity = s.Connectivity, ExpansionAdd = s.ExpansionAdd },
            }), NullLogger<EmbeddedVectorStore>.Instance);
            var started = Stopwatch.GetTimestamp();
            await store.EnsureCollectionAsync(new CollectionInfo("bench", "synthetic", s.Dimension), CancellationToken.None);
            // Documents of 1,000 vectors: each upsert is one fsynced log entry, as ingestion writes them.
            foreach (var batch in Enumerable.Range(0, s.Count).Chunk(1000))
            {
                var document = $"d{batch[0]}";
                await store.UpsertDocumentAsync("bench", document,
                    [.. batch.Select(i => new VectorRecord(document, i, "", null, "", new Dictionary<string, string>(), vectors[i]))], CancellationToken.None);
            }
            var embeddedLoad = Stopwatch.GetElapsedTime(started);

            Console.WriteLine("pgvector: loading and building the HNSW index ...");
            await using var dataSource = PgVectorStore.CreateDataSource(s.PgConnection);
            await using var pg = new PgVectorBench(dataSource);
            var pgLoad = await pg.LoadAsync(vectors, s.Connectivity, s.ExpansionAdd);

            // Both sides are timed in alternating rounds and the median kept: on a shared machine, load that comes
            // and goes then hits both alike instead of whichever side happened to run at the time. ef_search is
            // swept on both built graphs.
            var collection = store.Find("bench")!;
            await SearchEmbeddedAsync(store, queries, s.K);
            var ours = s.EfSearch.ToDictionary(ef => ef, _ => new List<double>());
            var theirs = s.PgEfSearch.ToDictionary(ef => ef, _ => new List<double>());
            var ourRecall = new Dictionary<int, double>();
            var theirRecall = new Dictionary<int, double>();
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var ef in s.EfSearch)
                {
                    collection.ExpansionSearch = ef;
                    started = Stopwatch.GetTimestamp();
                    var results = await SearchEmbeddedAsync(store, queries, s.K);
                    ours[ef].Add(queries.Length / Stopwatch.GetElapsedTime(started).TotalSeconds);
                    ourRecall[ef] = Recall(results, truth, s.K);
                }
                foreach (var ef in s.PgEfSearch)
                {
                    var (results, elapsed) = await pg.SearchAsync(queries, s.K, ef);
                    theirs[ef].Add(queries.Length / elapsed.TotalSeconds);
                    theirRecall[ef] = Recall(results, truth, s.K);
                }
            }
            rows.Add(new("load + index build", "s", embeddedLoad.TotalSeconds, pgLoad.TotalSeconds, null, null,
                $"{s.Count} vectors; ours: fsynced log + HNSW inserts; pgvector: COPY then CREATE INDEX"));
            foreach (var ef in s.EfSearch)
            {
                Console.WriteLine($"embedded ef_search={ef}: recall@{s.K} {ourRecall[ef]:F4}, {Median(ours[ef]):F0} queries/s");
                rows.Add(new($"embedded ef_search={ef}", "q/s", Median(ours[ef]), null, null, null,
                    $"recall@{s.K} {ourRecall[ef].ToString("F4", CultureInfo.InvariantCulture)}; median of {Rounds} rounds"));
            }
            foreach (var ef in s.PgEfSearch)
            {
                Console.WriteLine($"pgvector ef_search={ef}: recall@{s.K} {theirRecall[ef]:F4}, {Median(theirs[ef]):F0} queries/s");
                rows.Add(new($"pgvector ef_search={ef}", "q/s", null, Median(theirs[ef]), null, null,
                    $"recall@{s.K} {theirRecall[ef].ToString("F4", CultureInfo.InvariantCulture)}; median of {Rounds} rounds"));
            }

            // Our cheapest setting reaching the target recall, against pgvector's cheapest reaching at least that recall.
            var ourEf = s.EfSearch.Where(ef => ourRecall[ef] >= TargetRecall).Cast<int?>().FirstOrDefault();
            var embeddedRecall = ourEf is { } e ? ourRecall[e] : 0;
            var embeddedQps = ourEf is { } e2 ? Median(ours[e2]) : 0;
            (int Ef, double Recall, double Qps)? matched = null;
            foreach (var ef in s.PgEfSearch.Where(ef => ourEf is not null && theirRecall[ef] >= embeddedRecall))
            {
                matched = (ef, theirRecall[ef], Median(theirs[ef]));
                break;
            }
            rows.Add(new($"recall@{s.K}, embedded ef_search={ourEf}", "", embeddedRecall, null, null, ">= 0.95"));
            if (matched is { } m)
            {
                rows.Add(new($"queries/s at equal recall (ours ef_search={ourEf}, pgvector ef_search={m.Ef}, recall {m.Recall:F4})", "q/s",
                    embeddedQps, m.Qps, embeddedQps / m.Qps, ">= 2x", "pgvector: smallest ef_search reaching our recall"));
            }
            else
            {
                rows.Add(new("queries/s at equal recall", "q/s", embeddedQps, null, null, ">= 2x",
                    "no pgvector ef_search tried reached our recall"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return new ResultSection($"Vector search: {s.Count:N0} x {s.Dimension}-d, top-{s.K}, embedded store (USearch HNSW) vs pgvector HNSW", rows, "pgvector HNSW");
    }

    private static async Task<int[][]> SearchEmbeddedAsync(EmbeddedVectorStore store, float[][] queries, int k)
    {
        var results = new int[queries.Length][];
        for (var q = 0; q < queries.Length; q++)
        {
            var hits = await store.SearchAsync("bench", queries[q], k, null, CancellationToken.None);
            results[q] = [.. hits.Select(h => h.Record.Index)];
        }
        return results;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double Recall(int[][] results, HashSet<int>[] truth, int k) =>
        results.Select((r, q) => r.Count(truth[q].Contains)).Sum() / (double)(results.Length * k);
}
