namespace LlmServe.Bench.Reporting;

/// <summary>A titled group of measurements, one Markdown table; <paramref name="PeerColumn"/> names what LlmServe is compared with.</summary>
internal sealed record ResultSection(string Title, IReadOnlyList<Measurement> Rows, string PeerColumn = "llama.cpp (LLamaSharp)");
