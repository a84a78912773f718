using System.Globalization;
using System.Reflection;
using LlmServe.Gateway.Tests.Infrastructure;
using LlmServe.TestUtilities;

namespace LlmServe.Gateway.Tests.RealWorkers;

/// <summary>
/// Real <c>LlmServe.Worker</c> processes serving the TinyStories 260K checkpoint, started once (in parallel) for
/// every test of the collection; each test puts its own in-process gateway in front of them. The two victims
/// are for the tests that kill or stop a replica, so no other test depends on them.
/// </summary>
public sealed class RealWorkerFixture : IAsyncLifetime
{
    /// <summary>The served name of the stable, canary and victim workers.</summary>
    public const string StoryModel = "story";

    /// <summary>The served name of the worker behind the second deployment.</summary>
    public const string OtherModel = "other";

    private readonly List<ServiceProcess> _all = [];

    public ServiceProcess Stable => Get(0);

    public ServiceProcess Canary => Get(1);

    public ServiceProcess Other => Get(2);

    /// <summary>Killed mid-stream by one test.</summary>
    public ServiceProcess KillVictim => Get(3);

    /// <summary>Stopped (SIGSTOP) by one test.</summary>
    public ServiceProcess StopVictim => Get(4);

    /// <summary>The Worker build this test project depends on (see the csproj).</summary>
    public static string WorkerDll => typeof(RealWorkerFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "WorkerDll").Value ?? throw new InvalidOperationException("No WorkerDll metadata.");

    public async ValueTask InitializeAsync()
    {
        string[] names = [StoryModel, StoryModel, OtherModel, StoryModel, StoryModel];
        var started = names.Select(StartWorkerAsync).ToArray();
        try
        {
            await Task.WhenAll(started);
        }
        finally
        {
            _all.AddRange(started.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _all)
        {
            await worker.DisposeAsync();
        }
    }

    private ServiceProcess Get(int index) => _all.Count > index ? _all[index] : throw new InvalidOperationException("Fixture not initialized.");

    private static Task<ServiceProcess> StartWorkerAsync(string servedName) =>
        ServiceProcess.StartAsync(WorkerDll, port =>
        [
            "--model", TestModels.Stories260K, "--served-model-name", servedName,
            "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            // 16 MiB of KV cache is ample for these short requests and keeps five replicas light.
            "--kv-cache-memory-bytes", (16 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        ], "/load");
}
