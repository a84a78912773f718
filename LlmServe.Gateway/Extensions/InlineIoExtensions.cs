using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace LlmServe.Gateway.Extensions;

/// <summary>
/// Runs socket completions on the I/O (epoll) threads instead of handing each one to the thread pool, for both the
/// client side (Kestrel) and the upstream side (SocketsHttpHandler). A proxy does little work per read or write, so
/// the hop to the pool and back costs more than the work itself: on 2 cores this lifts peak requests/s by about a
/// fifth (see bench/README.md). Safe only because nothing on the request path blocks a thread: body buffering,
/// routing, admission and forwarding are all asynchronous.
/// </summary>
internal static class InlineIoExtensions
{
    /// <summary><c>Gateway:InlineIo</c>, read once at start; false restores the default thread-pool dispatch.</summary>
    public const string ConfigKey = GatewayOptions.SectionName + ":InlineIo";

    /// <summary>The System.Net.Sockets switch (read once, when the first socket is created).</summary>
    public const string SocketsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static IHostApplicationBuilder AddInlineIo(this IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue(ConfigKey, defaultValue: true))
        {
            return builder;
        }
        builder.Services.Configure<SocketTransportOptions>(o => o.UnsafePreferInlineScheduling = true);
        // An explicit setting in the environment wins; otherwise set it before the first socket exists.
        if (Environment.GetEnvironmentVariable(SocketsVariable) is null)
        {
            Environment.SetEnvironmentVariable(SocketsVariable, "1");
        }
        return builder;
    }
}
