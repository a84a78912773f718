using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Tests.Autoscaling;

/// <summary>Options that never change, for the autoscaling classes that read <see cref="IOptionsMonitor{T}"/>.</summary>
internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
