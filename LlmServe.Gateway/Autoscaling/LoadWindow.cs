namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// A replica's recent samples, averaged over the look-back period (Ray's "simple mode": the mean of the samples
/// recorded in the window). Not thread-safe: only the control loop touches it.
/// </summary>
internal sealed class LoadWindow
{
    private readonly Queue<(DateTimeOffset At, double Running, double Waiting, double Kv)> _samples = new();

    public void Add(DateTimeOffset at, double running, double waiting, double kv) => _samples.Enqueue((at, running, waiting, kv));

    /// <summary>Drops samples older than <paramref name="lookBack"/> and returns the means of the rest (zeros when empty).</summary>
    public (double Running, double Waiting, double Kv) Average(DateTimeOffset now, TimeSpan lookBack)
    {
        while (_samples.Count > 0 && _samples.Peek().At < now - lookBack)
        {
            _samples.Dequeue();
        }

        if (_samples.Count == 0)
        {
            return (0, 0, 0);
        }

        double running = 0, waiting = 0, kv = 0;
        foreach (var s in _samples)
        {
            running += s.Running;
            waiting += s.Waiting;
            kv += s.Kv;
        }
        return (running / _samples.Count, waiting / _samples.Count, kv / _samples.Count);
    }
}
