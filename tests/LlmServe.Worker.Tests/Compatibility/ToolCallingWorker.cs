using LlmServe.TestUtilities;

namespace LlmServe.Worker.Tests.Compatibility;

/// <summary>
/// A worker on the shared TinyStories checkpoint with room for tool prompts: described tools and a call take a few
/// hundred of its small-vocabulary tokens, more than the 256 the other compatibility tests run with.
/// </summary>
public sealed class ToolCallingWorker : IAsyncLifetime
{
    public const string Model = "stories";

    public KestrelWorker Worker { get; } = new(new Dictionary<string, string>
    {
        ["Worker:Model"] = TestModels.Stories260K,
        ["Worker:ServedModelName"] = Model,
        ["Worker:MaxModelLen"] = "1024",
    });

    public ValueTask InitializeAsync() => new(Worker.StartAsync(TimeSpan.FromSeconds(60)));

    public ValueTask DisposeAsync() => Worker.DisposeAsync();
}
