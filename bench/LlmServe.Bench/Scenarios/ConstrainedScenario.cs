using System.Text.Json.Nodes;
using LlmServe.Bench.Measure;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Scenarios;

/// <summary>
/// Constrained decoding overhead: the same batch of concurrent requests (same prompts, greedy, <c>ignore_eos</c>,
/// the same output length) with and without a JSON schema, alternated round by round so machine noise hits both.
/// Wall time per token is each request's first-to-last token time over its tokens, so prefill is left out. The
/// Worker's CPU time per output token (batch prefill included, the same in both) is reported too: on a shared
/// machine other processes stretch wall time by whole factors, while the CPU time the Worker itself spends
/// stays comparable.
/// </summary>
internal static class ConstrainedScenario
{
    /// <summary>
    /// A schema with nested objects, bounded strings, an integer, an enum and a long fixed-length array, so the
    /// output never completes within the token budget (every request stays in the batch to the end) and the
    /// automaton keeps reaching states it has not seen (each array position is its own set of states).
    /// </summary>
    public static readonly JsonObject Schema = new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["people"] = new JsonObject
            {
                ["type"] = "array", ["minItems"] = 64, ["maxItems"] = 64,
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["name"] = new JsonObject { ["type"] = "string", ["maxLength"] = 16 },
                        ["age"] = new JsonObject { ["type"] = "integer" },
                        ["role"] = new JsonObject { ["enum"] = new JsonArray("admin", "user", "guest") },
                    },
                    ["required"] = new JsonArray("name", "age", "role"),
                },
            },
        },
        ["required"] = new JsonArray("people"),
    };

    public static async Task<ResultSection> RunAsync(WorkerClient client, int workerPid, int concurrency, int promptTokens, int outputTokens,
        int rounds, TokenPrompts prompts)
    {
        using var worker = System.Diagnostics.Process.GetProcessById(workerPid);
        var batch = prompts.Many(concurrency, promptTokens);
        var constrained = new Dictionary<string, object> { ["structured_outputs"] = new JsonObject { ["json"] = Schema.DeepClone() } };
        List<double> free = [], guided = [], freeCpu = [], guidedCpu = [];
        var tokens = new List<int>();
        for (var round = 0; round < rounds; round++)
        {
            var (wall, cpu) = await SecondsPerTokenAsync(client, worker, batch, outputTokens, null, tokens);
            free.Add(wall);
            freeCpu.Add(cpu);
            (wall, cpu) = await SecondsPerTokenAsync(client, worker, batch, outputTokens, constrained, tokens);
            guided.Add(wall);
            guidedCpu.Add(cpu);
            Console.WriteLine($"  round {round + 1}: unconstrained {free[^1] * 1000:F1} ms/token ({freeCpu[^1] * 1000:F1} CPU), "
                + $"constrained {guided[^1] * 1000:F1} ms/token ({guidedCpu[^1] * 1000:F1} CPU)");
        }
        var a = Stats.Median(free) * 1000;
        var b = Stats.Median(guided) * 1000;
        var ac = Stats.Median(freeCpu) * 1000;
        var bc = Stats.Median(guidedCpu) * 1000;
        return new ResultSection($"(f) Constrained decoding: {concurrency} concurrent requests, {promptTokens}-token prompts, {outputTokens} output tokens, median of {rounds} alternating rounds",
        [
            new("time per token, unconstrained", "ms", a),
            new("time per token, JSON schema", "ms", b, Note: $"every request produced {tokens.Min()}-{tokens.Max()} tokens"),
            new("constrained / unconstrained, wall time", "x", b / a, Target: "< 1.10"),
            new("Worker CPU time per output token, unconstrained", "ms", ac, Note: "all 16 requests' tokens, prefill included"),
            new("Worker CPU time per output token, JSON schema", "ms", bc),
            new("constrained / unconstrained, Worker CPU time", "x", bc / ac, Target: "< 1.10", Note: "robust to other load on the machine"),
        ]);
    }

    /// <summary>Median wall seconds per token over the batch's requests, and the Worker's CPU seconds per output token.</summary>
    private static async Task<(double Wall, double Cpu)> SecondsPerTokenAsync(WorkerClient client, System.Diagnostics.Process worker,
        IReadOnlyList<int[]> batch, int outputTokens, IReadOnlyDictionary<string, object>? extra, List<int> tokens)
    {
        worker.Refresh();
        var cpuBefore = worker.TotalProcessorTime;
        var timings = await Task.WhenAll(batch.Select(p => client.StreamAsync(p, outputTokens, extra: extra)));
        worker.Refresh();
        var cpu = (worker.TotalProcessorTime - cpuBefore).TotalSeconds / timings.Sum(t => t.CompletionTokens);
        tokens.AddRange(timings.Select(t => t.CompletionTokens));
        return (Stats.Median(timings.Select(t => 1 / t.DecodeTokensPerSecond).ToList()), cpu);
    }
}
