using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
namespace LlmServe.TestUtilities;

/// <summary>
/// A .NET service of this repository started as its own process (<c>dotnet X.dll ...</c>) on a free loopback port,
/// ready once a GET of its readiness path answers 200. Killing or stopping it (SIGKILL/SIGSTOP) is a real failure:
/// no shutdown code runs, as in a crash.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary><see cref="BaseAddress"/> without the trailing slash.</summary>
    public string BaseUrl => BaseAddress.ToString().TrimEnd('/');

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _log);

    /// <summary>The same as <see cref="RecentOutput"/>.</summary>
    public string Log => RecentOutput;

    /// <summary>Resident memory from <c>/proc/PID/status</c> (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Starts a service that listens where <c>ASPNETCORE_URLS</c> says, ready once <c>/health</c> answers 200.</summary>
    public static Task<ServiceProcess> StartAsync(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var withUrl = new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}" };
        return StartAsync(dll, _ => arguments, "/health", withUrl, readyTimeout, port, cancellationToken);
    }

    /// <summary>Starts a service whose arguments name its port, ready once <paramref name="readyPath"/> answers 200.</summary>
    public static Task<ServiceProcess> StartAsync(string dll, Func<int, IEnumerable<string>> arguments, string readyPath,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        StartAsync(dll, arguments, readyPath, environment, timeout ?? TimeSpan.FromSeconds(60), FreePort(), CancellationToken.None);

    private static async Task<ServiceProcess> StartAsync(string dll, Func<int, IEnumerable<string>> arguments, string readyPath,
        IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, int port, CancellationToken cancellationToken)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build the solution first.", dll);
        }
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments(port))
        {
            info.ArgumentList.Add(argument);
        }
        // Per-request hosting logs would only cost CPU; warnings and the services' own logs stay.
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        info.Environment["Logging__LogLevel__System.Net.Http"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dll}.");
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await service.WaitReadyAsync(readyPath, timeout, cancellationToken);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>SIGKILL: the process vanishes mid-request, its sockets reset by the kernel.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGKILL, then waits (at most 10 s) for the process to be gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGSTOP / SIGCONT: a hung replica keeps its sockets open but never answers.</summary>
    public Task SignalAsync(string signal) =>
        ProcessRunner.RunAsync("kill", ["-" + signal, Pid.ToString(CultureInfo.InvariantCulture)], Environment.CurrentDirectory, TimeSpan.FromSeconds(10));

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
        while (_log.Count > 100)
        {
            _log.TryDequeue(out _);
        }
    }

    private async Task WaitReadyAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The process exited with {_process.ExitCode}:\n{RecentOutput}");
            }
            try
            {
                using var response = await http.GetAsync(path, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet, or still loading.
            }
            await Task.Delay(50, cancellationToken);
        }
        throw new TimeoutException($"Not ready within {timeout}:\n{RecentOutput}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
