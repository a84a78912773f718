using System.Globalization;

namespace LlmServe.Bench.Setup;

/// <summary>Sizes of every part of the <c>worker</c> benchmark; <see cref="Quick"/> shrinks them for a smoke run.</summary>
internal sealed record WorkerBenchSettings
{
    public int Threads { get; init; } = Environment.ProcessorCount;

    // (a) throughput
    public int Concurrency { get; init; } = 32;
    public int PromptTokens { get; init; } = 256;
    public int OutputTokens { get; init; } = 128;
    public int SequentialRequests { get; init; } = 3;

    /// <summary>Tokens per engine step: the Worker's max_num_batched_tokens (its default unless the option is given).</summary>
    public int StepTokenBudget { get; init; } = 512;

    // (b) batch-1 decode
    public int DecodePromptTokens { get; init; } = 16;
    public int DecodeOutputTokens { get; init; } = 128;

    /// <summary>Alternating rounds of one request per runtime; the table reports medians.</summary>
    public int DecodeRounds { get; init; } = 7;
    public long BandwidthBytes { get; init; } = 1L << 30;

    // (c) prefix caching
    public int SharedPrefixTokens { get; init; } = 1000;
    public int QuestionTokens { get; init; } = 16;
    public int Questions { get; init; } = 8;

    // (d) latency under Poisson load
    public IReadOnlyList<double> Rates { get; init; } = [0.5, 1, 2];
    public int RequestsPerRate { get; init; } = 30;
    public int LatencyPromptTokens { get; init; } = 128;
    public int LatencyOutputTokens { get; init; } = 64;

    // (e) memory over many short requests
    public int MemoryRequests { get; init; } = 10_000;
    public int MemoryWarmup { get; init; } = 500;
    public int MemoryConcurrency { get; init; } = 16;
    public int MemoryPromptTokens { get; init; } = 8;
    public int MemoryOutputTokens { get; init; } = 4;

    public static WorkerBenchSettings Quick => new()
    {
        Concurrency = 8,
        PromptTokens = 32,
        OutputTokens = 16,
        SequentialRequests = 2,
        DecodeOutputTokens = 32,
        DecodeRounds = 3,
        BandwidthBytes = 256L << 20,
        SharedPrefixTokens = 256,
        Questions = 3,
        Rates = [2, 4, 8],
        RequestsPerRate = 6,
        LatencyPromptTokens = 32,
        LatencyOutputTokens = 8,
        MemoryRequests = 300,
        MemoryWarmup = 50,
    };

    public IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["threads"] = Str(Threads),
        ["concurrency"] = Str(Concurrency),
        ["prompt"] = Str(PromptTokens),
        ["output"] = Str(OutputTokens),
        ["decode_rounds"] = Str(DecodeRounds),
        ["shared_prefix"] = Str(SharedPrefixTokens),
        ["rates"] = string.Join('/', Rates.Select(r => r.ToString(CultureInfo.InvariantCulture))),
        ["requests_per_rate"] = Str(RequestsPerRate),
        ["memory_requests"] = Str(MemoryRequests),
        ["memory_warmup"] = Str(MemoryWarmup),
    };

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
