using System.Collections.Concurrent;

namespace LlmServe.Gateway.Auth;

/// <summary>In-memory usage per key name; every reserve and settle of one key is serialized by that key's lock.</summary>
internal sealed class KeyUsageLedger(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public (Reservation? Reservation, UsageRejection Rejection, TimeSpan RetryAfter) TryReserve(ApiKeyOptions key, long cost)
    {
        var entry = _entries.GetOrAdd(key.Name, _ => new Entry());
        lock (entry.Gate)
        {
            var (next, rejection, retryAfter) = KeyUsagePolicy.TryReserve(entry.Usage, key, cost, time.GetUtcNow());
            entry.Usage = next;
            return rejection == UsageRejection.None
                ? (new Reservation(entry, next.WindowStart, cost), rejection, retryAfter)
                : (null, rejection, retryAfter);
        }
    }

    public KeyUsage Get(string keyName) => _entries.TryGetValue(keyName, out var entry) ? entry.Usage : KeyUsage.Empty;

    /// <summary>Tokens held for one request; settle once with the usage the worker reported (null keeps the reservation).</summary>
    internal sealed class Reservation(Entry entry, DateTimeOffset window, long reserved)
    {
        private int _settled;

        public long Reserved => reserved;

        public void Settle(long? actual)
        {
            if (actual is not { } tokens || Interlocked.Exchange(ref _settled, 1) != 0)
            {
                return;
            }
            lock (entry.Gate)
            {
                entry.Usage = KeyUsagePolicy.Settle(entry.Usage, window, reserved, tokens);
            }
        }
    }

    internal sealed class Entry
    {
        public Lock Gate { get; } = new();

        public KeyUsage Usage { get; set; } = KeyUsage.Empty;
    }
}
