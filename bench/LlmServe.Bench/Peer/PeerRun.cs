namespace LlmServe.Bench.Peer;

/// <summary>Timing of one llama.cpp generation over several sequences at once.</summary>
internal sealed record PeerRun(int Sequences, int OutputTokensEach, double PrefillSeconds, double DecodeSeconds)
{
    public double TotalSeconds => PrefillSeconds + DecodeSeconds;

    /// <summary>All sequences' output tokens over the whole run, prefill included (as a server's aggregate tok/s).</summary>
    public double OutputTokensPerSecond => Sequences * OutputTokensEach / TotalSeconds;

    /// <summary>Tokens per second of the decode steps alone: the first token of each sequence comes from the prefill.</summary>
    public double DecodeTokensPerSecond => Sequences * (OutputTokensEach - 1) / DecodeSeconds;
}
