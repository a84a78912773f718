namespace LlmServe.ServiceDefaults.Memory;

/// <summary>Configuration section <c>IdleMemoryTrim</c>.</summary>
public sealed class IdleMemoryTrimOptions
{
    public const string Section = "IdleMemoryTrim";

    public bool Enabled { get; set; } = true;

    /// <summary>How long the process must be quiet (nothing started, nothing in flight) before the heap is compacted.</summary>
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often activity is sampled.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
