using LlmServe.Gateway.Registry;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Tests.Registry;

public sealed class ModelRegistryProviderTests
{
    [Fact]
    public void Current_OptionsReloaded_SwapsToNewSnapshot()
    {
        var monitor = new ReloadableOptionsMonitor(Options("llama", "chat"));
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(100));
        using var provider = new ModelRegistryProvider(monitor, time);
        var before = provider.Current;

        time.Now = DateTimeOffset.FromUnixTimeSeconds(200);
        monitor.Reload(Options("qwen"));

        Assert.Equal(["llama", "chat"], before.ServedNames);
        Assert.Equal(100, before.Models[0].CreatedUnixSeconds);
        Assert.Equal(["qwen"], provider.Current.ServedNames);
        Assert.Equal(200, provider.Current.Models[0].CreatedUnixSeconds);
    }

    [Fact]
    public void Dispose_AfterDispose_StopsFollowingReloads()
    {
        var monitor = new ReloadableOptionsMonitor(Options("llama"));
        var provider = new ModelRegistryProvider(monitor, TimeProvider.System);

        provider.Dispose();
        monitor.Reload(Options("qwen"));

        Assert.Equal(["llama"], provider.Current.ServedNames);
    }

    private static GatewayOptions Options(string name, params string[] aliases) => new()
    {
        Deployments = [new() { Name = name, Aliases = aliases, Upstream = "http://worker" }],
    };

    private sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class ReloadableOptionsMonitor(GatewayOptions initial) : IOptionsMonitor<GatewayOptions>
    {
        private readonly List<Action<GatewayOptions, string?>> _listeners = [];

        public GatewayOptions CurrentValue { get; private set; } = initial;

        public GatewayOptions Get(string? name) => CurrentValue;

        public IDisposable OnChange(Action<GatewayOptions, string?> listener)
        {
            _listeners.Add(listener);
            return new Subscription(() => _listeners.Remove(listener));
        }

        public void Reload(GatewayOptions options)
        {
            CurrentValue = options;
            foreach (var listener in _listeners.ToArray())
            {
                listener(options, null);
            }
        }

        private sealed class Subscription(Action dispose) : IDisposable
        {
            public void Dispose() => dispose();
        }
    }
}
