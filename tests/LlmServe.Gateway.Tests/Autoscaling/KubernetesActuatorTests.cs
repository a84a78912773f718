using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using LlmServe.Gateway.Autoscaling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LlmServe.Gateway.Tests.Autoscaling;

/// <summary>Checks the exact Kubernetes API requests (method, path, content type, body) with a fake HTTP handler.</summary>
public sealed class KubernetesActuatorTests
{
    private static readonly KubernetesNamespace Ns = new("llm");

    [Fact]
    public async Task Scale_PatchesDeploymentScaleSubresource_WithMergePatch()
    {
        var fake = new FakeApi((_, _) => Json(HttpStatusCode.OK, """{"apiVersion":"autoscaling/v1","kind":"Scale","spec":{"replicas":3}}"""));
        var scaler = new KubernetesReplicaScaler(Client(fake), Ns);

        await scaler.ScaleAsync("Llama", new AutoscalingOptions(), 3, TestContext.Current.CancellationToken);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("PATCH", request.Method);
        Assert.Equal("/apis/apps/v1/namespaces/llm/deployments/worker-llama/scale", request.Path);
        Assert.Equal("application/merge-patch+json", request.ContentType);
        Assert.Equal(3, JsonDocument.Parse(request.Body).RootElement.GetProperty("spec").GetProperty("replicas").GetInt32());
    }

    [Fact]
    public async Task Scale_UsesConfiguredScaleTargetName()
    {
        var fake = new FakeApi((_, _) => Json(HttpStatusCode.OK, """{"kind":"Scale"}"""));

        await new KubernetesReplicaScaler(Client(fake), Ns)
            .ScaleAsync("m", new AutoscalingOptions { ScaleTargetName = "vllm-m" }, 0, TestContext.Current.CancellationToken);

        Assert.Equal("/apis/apps/v1/namespaces/llm/deployments/vllm-m/scale", fake.Requests.Single().Path);
    }

    [Fact]
    public async Task Lease_Missing_IsCreated_AndLeads()
    {
        var fake = new FakeApi((method, _) => method == "GET"
            ? Json(HttpStatusCode.NotFound, """{"kind":"Status","code":404}""")
            : Json(HttpStatusCode.Created, """{"kind":"Lease"}"""));
        var elector = Elector(fake, new FakeTimeProvider(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.True(await elector.TryAcquireOrRenewAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["GET", "POST"], fake.Requests.Select(r => r.Method));
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/llm/leases/llmserve-autoscaler", fake.Requests[0].Path);
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/llm/leases", fake.Requests[1].Path);
        var spec = JsonDocument.Parse(fake.Requests[1].Body).RootElement.GetProperty("spec");
        Assert.Equal("gw-0", spec.GetProperty("holderIdentity").GetString());
        Assert.Equal(15, spec.GetProperty("leaseDurationSeconds").GetInt32());
        Assert.StartsWith("2025-01-01T00:00:00", spec.GetProperty("renewTime").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lease_HeldByOtherAndFresh_DoesNotLead()
    {
        var fake = new FakeApi((_, _) => Json(HttpStatusCode.OK, Lease("gw-1", "2025-01-01T00:00:00.000000Z", "7")));
        var elector = Elector(fake, new FakeTimeProvider(DateTimeOffset.Parse("2025-01-01T00:00:10Z", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.False(await elector.TryAcquireOrRenewAsync(TestContext.Current.CancellationToken));
        Assert.Single(fake.Requests);   // read only, no write
    }

    [Fact]
    public async Task Lease_HeldByOtherAndExpired_IsTakenOver_WithResourceVersion()
    {
        var fake = new FakeApi((method, _) => method == "GET"
            ? Json(HttpStatusCode.OK, Lease("gw-1", "2025-01-01T00:00:00.000000Z", "7"))
            : Json(HttpStatusCode.OK, """{"kind":"Lease"}"""));
        // renewed at 00:00:00 for 15 s: expired at 00:00:16.
        var elector = Elector(fake, new FakeTimeProvider(DateTimeOffset.Parse("2025-01-01T00:00:16Z", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.True(await elector.TryAcquireOrRenewAsync(TestContext.Current.CancellationToken));

        var put = fake.Requests[1];
        Assert.Equal("PUT", put.Method);
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/llm/leases/llmserve-autoscaler", put.Path);
        var body = JsonDocument.Parse(put.Body).RootElement;
        Assert.Equal("7", body.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal("gw-0", body.GetProperty("spec").GetProperty("holderIdentity").GetString());
        Assert.Equal(4, body.GetProperty("spec").GetProperty("leaseTransitions").GetInt32());
    }

    [Fact]
    public async Task Lease_ConflictOnWrite_DoesNotLead()
    {
        var fake = new FakeApi((method, _) => method == "GET"
            ? Json(HttpStatusCode.OK, Lease("gw-0", "2025-01-01T00:00:00.000000Z", "9"))
            : Json(HttpStatusCode.Conflict, """{"kind":"Status","code":409}"""));
        var elector = Elector(fake, new FakeTimeProvider(DateTimeOffset.Parse("2025-01-01T00:00:05Z", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.False(await elector.TryAcquireOrRenewAsync(TestContext.Current.CancellationToken));
    }

    private static string Lease(string holder, string renewTime, string resourceVersion) =>
        $$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"llmserve-autoscaler","namespace":"llm","resourceVersion":"{{{resourceVersion}}}"},"spec":{"holderIdentity":"{{{holder}}}","leaseDurationSeconds":15,"renewTime":"{{{renewTime}}}","leaseTransitions":3}}""";

    private static KubernetesLeaseElector Elector(FakeApi fake, TimeProvider time) =>
        new(Client(fake), Ns, new KubernetesScalingSettings { Identity = "gw-0" }, time, NullLogger<KubernetesLeaseElector>.Instance);

    private static Kubernetes Client(FakeApi fake) => new(new KubernetesClientConfiguration { Host = "https://k8s.test" }, fake);

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed record Recorded(string Method, string Path, string? ContentType, string Body);

    private sealed class FakeApi(Func<string, string, HttpResponseMessage> respond) : DelegatingHandler
    {
        public List<Recorded> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var path = request.RequestUri!.AbsolutePath;   // the client always sends an absolute URI
            Requests.Add(new Recorded(request.Method.Method, path, request.Content?.Headers.ContentType?.MediaType, body));
            var response = respond(request.Method.Method, path);
            response.RequestMessage = request;   // as the real handler does; the client reads it back
            return response;
        }
    }
}
