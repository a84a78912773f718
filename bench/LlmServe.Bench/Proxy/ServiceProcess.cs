using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlmServe.Bench.Proxy;

/// <summary>A server started as a child process, ready once a GET of its readiness URL answers 200.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private ServiceProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<ServiceProcess> StartAsync(string fileName, IEnumerable<string> arguments, Uri readyUrl,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var service = new ServiceProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}."));
        service._process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (service._process.HasExited)
            {
                throw new InvalidOperationException($"{fileName} exited with {service._process.ExitCode}:\n{string.Join('\n', service._log)}");
            }
            try
            {
                using var response = await http.GetAsync(readyUrl);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return service;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(50);
        }
        await service.DisposeAsync();
        throw new TimeoutException($"{fileName} was not ready at {readyUrl}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > 50)
        {
            _log.TryDequeue(out _);
        }
    }
}
