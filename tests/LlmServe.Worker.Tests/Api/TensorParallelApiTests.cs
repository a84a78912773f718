using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.TestUtilities;
using LlmServe.Worker.Tests.Compatibility;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using LlmServe.Worker.Model;

namespace LlmServe.Worker.Tests.Api;

/// <summary>Workers started with and without <c>--tensor-parallel-size</c>, over real HTTP.</summary>
public sealed class TensorParallelApiTests
{
    private static KestrelWorker Worker(int tensorParallelSize) => new(new Dictionary<string, string>
    {
        ["Worker:Model"] = TestModels.Stories260K,
        ["Worker:ServedModelName"] = "stories",
        ["Worker:MaxModelLen"] = "256",
        ["Worker:TensorParallelSize"] = tensorParallelSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task Completion_TwoShards_SameGreedyTextAsUnsharded()
    {
        await using var single = Worker(1);
        await using var sharded = Worker(2);
        await Task.WhenAll(single.StartAsync(TimeSpan.FromSeconds(60)), sharded.StartAsync(TimeSpan.FromSeconds(60)));
        var request = new { model = "stories", prompt = "Once upon a time", max_tokens = 32, temperature = 0 };

        var expected = await CompleteAsync(single, request);
        var actual = await CompleteAsync(sharded, request);

        Assert.StartsWith(", there was a little girl named Lily.", expected);
        Assert.Equal(expected, actual);
        Assert.Equal(2, sharded.Services.GetRequiredService<ModelHost>().Engine!.Model.Network.Shards.Size);
    }

    [Fact]
    public async Task Start_ShardsNotDividingTheHeads_ReportsTheReason()
    {
        await using var worker = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Worker:Model", TestModels.Stories260K)
            .UseSetting("Worker:ServedModelName", "stories")
            .UseSetting("Worker:TensorParallelSize", "3"));
        using var client = worker.CreateClient();

        string message = "";
        for (var i = 0; i < 100 && !message.Contains("failed to load", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            using var response = await client.PostAsJsonAsync("/v1/completions", new { model = "stories", prompt = "Hi", max_tokens = 1 },
                TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            message = body.RootElement.GetProperty("error").GetProperty("message").GetString()!;
        }

        Assert.Contains("--tensor-parallel-size 3 does not divide the model's 8 attention heads", message);
        using var health = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Fact]
    public void CommandLine_TensorParallelSize_BindsTheWorkerOption()
    {
        var configuration = new ConfigurationBuilder()
            .AddCommandLine(["--model", "m.gguf", "--tensor-parallel-size", "4"], WorkerCommandLine.SwitchMappings).Build();

        var options = configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>()!;

        Assert.Equal(4, options.TensorParallelSize);
    }

    private static async Task<string> CompleteAsync(KestrelWorker worker, object request)
    {
        using var http = new HttpClient { BaseAddress = worker.BaseUri };
        using var response = await http.PostAsJsonAsync("v1/completions", request);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }
}
