using System.Net;
using System.Net.Http.Json;
using LlmServe.Gateway.Routing;
using LlmServe.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Gateway.Tests.Apis;

/// <summary>A burst far over capacity against one slow FakeWorker replica: MaxOngoingRequests 2, MaxQueuedRequests 3.</summary>
public sealed class BackpressureApiTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_BurstOverCapacity_QueueBoundedRejectedGet429WithRetryAfterAdmittedComplete()
    {
        await using var worker = await FakeWorker.StartAsync();
        worker.DefaultMode = "delay:300";
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "busy",
            ["Gateway:Deployments:0:Upstream"] = worker.BaseAddress.ToString(),
            ["Gateway:Deployments:0:MaxOngoingRequests"] = "2",
            ["Gateway:Deployments:0:MaxQueuedRequests"] = "3",
            ["Gateway:Deployments:0:BackpressureStatusCode"] = "429",
            ["Gateway:Deployments:0:RetryAfterSeconds"] = "2",
        });

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            var response = await gateway.Client.PostAsJsonAsync("/v1/completions", new { model = "busy", prompt = "hi" }, Cancellation);
            await response.Content.LoadIntoBufferAsync(Cancellation);
            return response;
        }));

        var ok = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToArray();
        var rejected = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToArray();
        Assert.Equal(40, ok.Length + rejected.Length);
        Assert.InRange(ok.Length, 5, 39);
        Assert.InRange(worker.MaxOngoing, 1, 2);
        Assert.InRange(gateway.Services.GetRequiredService<AdmissionQueues>().Get("busy").MaxQueuedObserved, 1, 3);
        foreach (var response in rejected)
        {
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            var error = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "rate_limit_error");
            Assert.Equal("queue_full", error.GetProperty("code").GetString());
        }
        Assert.Equal(ok.Length, worker.Requests);
    }

    [Fact]
    public async Task Post_PriorityHeader_QueuedHighPriorityServedBeforeEarlierLow()
    {
        await using var worker = await FakeWorker.StartAsync();
        worker.DefaultMode = "delay:400";
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "busy",
            ["Gateway:Deployments:0:Upstream"] = worker.BaseAddress.ToString(),
            ["Gateway:Deployments:0:MaxOngoingRequests"] = "1",
        });
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();

        async Task Send(string name, int priority)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
            {
                Content = JsonContent.Create(new { model = "busy", prompt = name }),
            };
            request.Headers.Add(RouteRequest.PriorityHeader, priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await gateway.Client.SendAsync(request, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            order.Enqueue(name);
        }

        // The first request through a fresh gateway pays for JIT; on a loaded machine that alone can exceed the 100 ms spacing.
        await Send("warm-up", 0);
        order.Clear();
        var first = Send("first", 0);
        await Task.Delay(100, Cancellation);
        var low = Send("low", 0);
        await Task.Delay(100, Cancellation);
        var high = Send("high", 10);
        await Task.WhenAll(first, low, high);

        Assert.Equal(["first", "high", "low"], order.ToArray());
    }
}
