using System.Net;
using System.Net.Sockets;

namespace LlmServe.Gateway.Tests.Infrastructure;

internal static class TestPorts
{
    /// <summary>A loopback address nothing listens on (bound then released), so connecting is refused at once.</summary>
    public static string ClosedAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }
}
