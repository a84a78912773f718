namespace LlmServe.Bench.Reporting;

/// <summary>A titled group of measurements, one Markdown table.</summary>
internal sealed record ResultSection(string Title, IReadOnlyList<Measurement> Rows);
