using System.Net;
using LlmServe.Gateway.Routing;
using Microsoft.Extensions.ServiceDiscovery;

namespace LlmServe.Gateway.Tests.Routing;

public sealed class UpstreamAddressTests
{
    [Theory]
    [InlineData("http://worker-stories260k", true)]
    [InlineData("https+http://worker-llama", true)]
    [InlineData("http://127.0.0.1:5101", true)]
    [InlineData("https://example.org/base", true)]
    [InlineData("", false)]
    [InlineData("worker-llama", false)]
    [InlineData("/relative", false)]
    [InlineData("ftp://worker", false)]
    [InlineData("grpc+http://worker", false)]
    public void TryParse_Value_AcceptsOnlyAbsoluteHttpUrls(string value, bool expected)
    {
        Assert.Equal(expected, UpstreamAddress.TryParse(value, out _));
    }

    [Theory]
    [InlineData("http://worker-stories260k", false)]
    [InlineData("https+http://worker-llama", false)]
    [InlineData("http://worker-llama:8080", true)]
    [InlineData("http://127.0.0.1:5101", true)]
    [InlineData("http://localhost", true)]
    [InlineData("http://10.1.2.3", true)]
    [InlineData("http://[::1]:5000", true)]
    public void IsStatic_Upstream_DistinguishesDiscoveryNamesFromFixedAddresses(string upstream, bool expected)
    {
        Assert.Equal(expected, UpstreamAddress.IsStatic(new Uri(upstream)));
    }

    [Fact]
    public void ToReplicaUri_EndPointKinds_BuildsBaseAddresses()
    {
        var upstream = new Uri("https+http://worker");

        Assert.Equal(new Uri("http://10.0.0.5:7001"), UpstreamAddress.ToReplicaUri(upstream, new UriEndPoint(new Uri("http://10.0.0.5:7001"))));
        Assert.Equal(new Uri("https://10.0.0.6:443"), UpstreamAddress.ToReplicaUri(upstream, new IPEndPoint(IPAddress.Parse("10.0.0.6"), 443)));
        Assert.Equal(new Uri("https://worker-0.worker:8000"), UpstreamAddress.ToReplicaUri(upstream, new DnsEndPoint("worker-0.worker", 8000)));
        Assert.Equal(new Uri("https://worker"), UpstreamAddress.ToReplicaUri(upstream, new DnsEndPoint("worker", 0)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5101", "http://127.0.0.1:5101")]
    [InlineData("http://127.0.0.1:5101/", "http://127.0.0.1:5101")]
    [InlineData("http://host:1/prefix/", "http://host:1/prefix")]
    public void ToDestinationPrefix_Replica_HasNoTrailingSlash(string replica, string expected)
    {
        Assert.Equal(expected, UpstreamAddress.ToDestinationPrefix(new Uri(replica)));
    }
}
