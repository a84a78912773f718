using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Registry;

/// <summary>Holds the current <see cref="ModelRegistry"/> and swaps it atomically when the options reload.</summary>
internal sealed class ModelRegistryProvider : IDisposable
{
    private readonly TimeProvider _time;
    private readonly IDisposable? _subscription;
    private volatile ModelRegistry _current;

    public ModelRegistryProvider(IOptionsMonitor<GatewayOptions> options, TimeProvider time)
    {
        _time = time;
        _current = ModelRegistry.FromOptions(options.CurrentValue, time.GetUtcNow());
        _subscription = options.OnChange(updated => _current = ModelRegistry.FromOptions(updated, _time.GetUtcNow()));
    }

    public ModelRegistry Current => _current;

    public void Dispose() => _subscription?.Dispose();
}
