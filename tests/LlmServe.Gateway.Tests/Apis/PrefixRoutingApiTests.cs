using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

/// <summary>Prefix-aware routing over real HTTP with two FakeWorker replicas behind one discovered deployment.</summary>
public sealed class PrefixRoutingApiTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_SharedSystemPrompt_AllRequestsStayOnOneReplica()
    {
        await using var a = await FakeWorker.StartAsync();
        await using var b = await FakeWorker.StartAsync();
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "chat",
            ["Gateway:Deployments:0:Upstream"] = "http://worker-chat",
            ["services:worker-chat:http:0"] = a.BaseAddress.ToString(),
            ["services:worker-chat:http:1"] = b.BaseAddress.ToString(),
            ["Gateway:Routing:Policy"] = "PrefixAffinity",
            ["Gateway:Routing:PrefixBlockCharacters"] = "32",
        });
        var system = string.Concat(Enumerable.Repeat("You are a helpful assistant. ", 10));

        var workers = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.Client.PostAsJsonAsync("/v1/chat/completions", new
            {
                model = "chat",
                messages = new object[] { new { role = "system", content = system }, new { role = "user", content = $"question {i}" } },
            }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
            workers.Add(body.RootElement.GetProperty("worker").GetString() ?? "");
        }

        Assert.Single(workers);
    }
}
