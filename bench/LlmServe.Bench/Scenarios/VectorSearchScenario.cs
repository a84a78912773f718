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
    int Connectivity, int ExpansionAdd, int ExpansionSearch, IReadOnlyList<int> PgEfSearch, string PgConnection);

/// <summary>
/// The embedded store (USearch HNSW behind the write-ahead log) against PostgreSQL + pgvector HNSW on the same
/// vectors and queries, in one run: recall@k against exact search, and sequential queries per second (one client,
/// each query waiting for the previous, so the figure is per-query latency inverted, not a saturation test).
/// </summary>
internal static class VectorSearchScenario
{
    private const int Rounds = 3;

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
                Hnsw = new HnswOptions { Connectivity = s.Connectivity, ExpansionAdd = s.ExpansionAdd, ExpansionSearch = s.ExpansionSearch },
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
            // and goes then hits both alike instead of whichever side happened to run at the time.
            await SearchEmbeddedAsync(store, queries, s.K);
            List<double> embeddedRuns = [];
            var pgRuns = s.PgEfSearch.ToDictionary(ef => ef, _ => new List<double>());
            var pgRecall = new Dictionary<int, double>();
            int[][] embeddedResults = [];
            for (var round = 0; round < Rounds; round++)
            {
                started = Stopwatch.GetTimestamp();
                embeddedResults = await SearchEmbeddedAsync(store, queries, s.K);
                embeddedRuns.Add(queries.Length / Stopwatch.GetElapsedTime(started).TotalSeconds);
                foreach (var ef in s.PgEfSearch)
                {
                    var (results, elapsed) = await pg.SearchAsync(queries, s.K, ef);
                    pgRecall[ef] = Recall(results, truth, s.K);
                    pgRuns[ef].Add(queries.Length / elapsed.TotalSeconds);
                }
            }
            var embeddedQps = Median(embeddedRuns);
            var embeddedRecall = Recall(embeddedResults, truth, s.K);
            Console.WriteLine($"Embedded: recall@{s.K} {embeddedRecall:F4}, {embeddedQps:F0} queries/s, load {embeddedLoad.TotalSeconds:F1} s");
            rows.Add(new("load + index build", "s", embeddedLoad.TotalSeconds, pgLoad.TotalSeconds, null, null,
                $"{s.Count} vectors; ours: fsynced log + HNSW inserts; pgvector: COPY then CREATE INDEX"));
            rows.Add(new($"recall@{s.K}, embedded ef={s.ExpansionSearch}", "", embeddedRecall, null, null, ">= 0.95"));
            rows.Add(new($"queries/s, embedded ef={s.ExpansionSearch}", "q/s", embeddedQps, null, null, null, $"median of {Rounds} rounds"));

            (int Ef, double Recall, double Qps)? matched = null;
            foreach (var ef in s.PgEfSearch)
            {
                var qps = Median(pgRuns[ef]);
                Console.WriteLine($"pgvector ef_search={ef}: recall@{s.K} {pgRecall[ef]:F4}, {qps:F0} queries/s");
                rows.Add(new($"pgvector ef_search={ef}", "q/s", null, qps, null, null,
                    $"recall@{s.K} {pgRecall[ef].ToString("F4", CultureInfo.InvariantCulture)}"));
                if (matched is null && pgRecall[ef] >= embeddedRecall)
                {
                    matched = (ef, pgRecall[ef], qps);
                }
            }
            if (matched is { } m)
            {
                rows.Add(new($"queries/s at equal recall (pgvector ef_search={m.Ef}, recall {m.Recall:F4})", "q/s",
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
        return new ResultSection($"Vector search: {s.Count:N0} x {s.Dimension}-d, top-{s.K}, embedded store (USearch HNSW) vs pgvector HNSW", rows);
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
