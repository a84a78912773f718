using System.CommandLine;
using System.Globalization;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Scenarios;

namespace LlmServe.Bench.Cli;

/// <summary><c>vectors</c>: the embedded vector store against pgvector's HNSW, same vectors and queries, one run.</summary>
internal static class VectorsCommand
{
    public static Command Create()
    {
        var out_ = new Option<string>("--out") { Description = "Folder for vectors.md and vectors.json", DefaultValueFactory = _ => "bench-results" };
        var summary = new Option<string?>("--summary") { Description = "Combined results file (default: OUT/results.md)" };
        var quick = new Option<bool>("--quick") { Description = "10,000 vectors instead of 100,000: a smoke run" };
        var pg = new Option<string?>("--pg") { Description = "Npgsql connection string (default: $LLMSERVE_PGVECTOR, else scripts/pgvector.sh's server)" };
        var command = new Command("vectors", "Vector search: embedded store (USearch HNSW) vs PostgreSQL + pgvector HNSW.");
        foreach (var option in new Option[] { out_, summary, quick, pg })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (r, _) =>
        {
            var settings = new VectorSearchSettings(
                Count: r.GetValue(quick) ? 10_000 : 100_000, Dimension: 384, Queries: 500, K: 10, Clusters: 1000, Spread: 1.0,
                Connectivity: 16, ExpansionAdd: 128, EfSearch: [10, 16, 24, 32, 48, 64, 96], PgEfSearch: [10, 16, 24, 32, 40, 64, 100, 160],
                PgConnection: r.GetValue(pg) ?? Environment.GetEnvironmentVariable("LLMSERVE_PGVECTOR")
                    ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres");
            var section = await VectorSearchScenario.RunAsync(settings);
            var report = new Dictionary<string, string>
            {
                ["count"] = settings.Count.ToString(CultureInfo.InvariantCulture),
                ["dimension"] = "384",
                ["queries"] = settings.Queries.ToString(CultureInfo.InvariantCulture),
                ["data"] = $"{settings.Clusters} Gaussian clusters, spread {settings.Spread.ToString(CultureInfo.InvariantCulture)}",
                ["hnsw"] = $"M={settings.Connectivity}, ef_construction={settings.ExpansionAdd} (both)",
            };
            var outDir = Path.GetFullPath(r.GetValue(out_)!);
            new BenchReport("vectors", MachineInfo.Read(), report, [section])
                .Write(outDir, Path.GetFullPath(r.GetValue(summary) ?? Path.Combine(outDir, "results.md")));
            return 0;
        });
        return command;
    }
}
