namespace LlmServe.Bench.Reporting;

/// <summary>One row of a results table: our figure, the peer's (llama.cpp) where there is one, and their ratio.</summary>
internal sealed record Measurement(string Name, string Unit, double? Ours, double? Peer = null, double? Ratio = null,
    string? Target = null, string? Note = null);
