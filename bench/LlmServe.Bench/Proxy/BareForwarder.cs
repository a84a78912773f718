using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace LlmServe.Bench.Proxy;

/// <summary>
/// YARP's forwarder with nothing around it: every request passed to one upstream, no validation, routing, auth,
/// admission, metrics, tracing or logging, with the same inline socket completions and pooled handler settings the
/// gateway uses. What it costs per request is the floor under any gateway built on the library, so the benchmark
/// can tell the gateway's own work from the forwarding it cannot avoid.
/// </summary>
internal static class BareForwarder
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static async Task RunAsync(int port, Uri upstream, CancellationToken cancellationToken)
    {
        Environment.SetEnvironmentVariable(InlineCompletions, "1");   // before the first socket, as the gateway does
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.Configure<SocketTransportOptions>(o => o.UnsafePreferInlineScheduling = true);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
        });
        app.MapForwarder("/{**path}", upstream.ToString(), ForwarderRequestConfig.Empty, HttpTransformer.Empty, invoker);
        await app.StartAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
    }
}
