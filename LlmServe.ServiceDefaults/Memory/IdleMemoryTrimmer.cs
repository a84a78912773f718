using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmServe.ServiceDefaults.Memory;

/// <summary>Samples <see cref="RequestActivity"/> and compacts the heaps (managed and native) once per quiet period (<see cref="IdleTrimPolicy"/>).</summary>
public sealed partial class IdleMemoryTrimmer(
    RequestActivity activity, IOptions<IdleMemoryTrimOptions> options, TimeProvider time, ILogger<IdleMemoryTrimmer> logger)
    : BackgroundService
{
    private int trims;

    /// <summary>How many times the heap was compacted for being idle.</summary>
    public int Trims => Volatile.Read(ref trims);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }
        var state = IdleTrimPolicy.Initial(time.GetUtcNow());
        using var timer = new PeriodicTimer(settings.CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                (var trim, state) = IdleTrimPolicy.Decide(state, activity.Started, activity.InFlight, time.GetUtcNow(), settings.IdleAfter);
                if (trim)
                {
                    Trim();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Trim()
    {
        var before = GC.GetTotalMemory(forceFullCollection: false);
        // Aggressive: compact every generation and the large object heap, and decommit the freed segments.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // And the native heap: what native libraries freed (the Worker's tensors) goes back to the OS too.
        NativeHeap.Trim();
        Interlocked.Increment(ref trims);
        LogTrimmed(before / 1048576.0, GC.GetTotalMemory(forceFullCollection: false) / 1048576.0);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idle: heap compacted from {BeforeMiB:F1} MiB to {AfterMiB:F1} MiB")]
    private partial void LogTrimmed(double beforeMiB, double afterMiB);
}
