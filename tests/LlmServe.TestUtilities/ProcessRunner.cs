using System.Diagnostics;

namespace LlmServe.TestUtilities;

/// <summary>Runs a command to completion and captures its output, failing with that output on a non-zero exit.</summary>
public static class ProcessRunner
{
    /// <param name="ownTempDirectory">
    /// Gives the command a temporary folder of its own (TMPDIR), deleted when it exits: for tools that leave folders in
    /// the system's (an Aspire AppHost's publish leaves an empty aspire-pipelines-* folder per run).
    /// </param>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        bool ownTempDirectory = false)
    {
        var temp = ownTempDirectory ? Directory.CreateTempSubdirectory("llmserve-run-").FullName : null;
        try
        {
            return await RunAsync(fileName, arguments, workingDirectory, timeout, temp);
        }
        finally
        {
            if (temp is not null)
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    private static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, string? temp)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        if (temp is not null)
        {
            info.Environment["TMPDIR"] = temp;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}.");
        }
        var output = await stdout + await stderr;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{fileName} exited with {process.ExitCode}:\n{output}");
    }
}
