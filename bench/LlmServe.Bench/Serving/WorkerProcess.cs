using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LlmServe.Bench.Proxy;

namespace LlmServe.Bench.Serving;

/// <summary>The Worker as a child process (<c>dotnet LlmServe.Worker.dll --model ...</c>) on a free loopback port.</summary>
internal sealed partial class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private WorkerProcess(Process process, Uri baseAddress, string servedName)
    {
        _process = process;
        BaseAddress = baseAddress;
        ServedName = servedName;
    }

    public Uri BaseAddress { get; }
    public string ServedName { get; }
    public int Pid => _process.Id;

    /// <summary>Time from process start to the first 200 from <c>/load</c> (the engine exists only once the model is loaded).</summary>
    public TimeSpan TimeToReady { get; private set; }

    /// <summary>The model load time the Worker logs itself (ModelHost: "loaded in N ms"), when found.</summary>
    public double? LoggedLoadMs { get; private set; }

    public static async Task<WorkerProcess> StartAsync(string workerDll, string model, string dtype, IEnumerable<string> extraArgs,
        TimeSpan readyTimeout)
    {
        var port = ServiceProcess.FreePort();
        const string name = "bench";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { workerDll, "--model", model, "--port", port.ToString(CultureInfo.InvariantCulture), "--host", "127.0.0.1",
                     "--served-model-name", name, "--dtype", dtype }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }
        // Per-request hosting logs would cost the Worker CPU during the 10,000-request run; the load line is kept.
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        info.Environment["Logging__LogLevel__System.Net.Http"] = "Warning";
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the Worker.");
        var worker = new WorkerProcess(process, new Uri($"http://127.0.0.1:{port}/"), name);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await worker.WaitReadyAsync(readyTimeout);
        worker.TimeToReady = Stopwatch.GetElapsedTime(started);
        return worker;
    }

    /// <summary>The Worker's last output lines, for a failure report.</summary>
    public string RecentLog(int lines) => string.Join('\n', _log.TakeLast(lines));

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > 200)
        {
            _log.TryDequeue(out _);
        }
        if (LoadedRegex().Match(line) is { Success: true } m)
        {
            LoggedLoadMs = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Worker exited with {_process.ExitCode}:\n{RecentLog(40)}");
            }
            try
            {
                using var response = await http.GetAsync("load");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy loading; try again.
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"The Worker was not ready within {timeout}:\n{RecentLog(40)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"loaded in (\d+) ms")]
    private static partial Regex LoadedRegex();
}
