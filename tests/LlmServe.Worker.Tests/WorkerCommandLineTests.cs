using LlmServe.TestUtilities;

namespace LlmServe.Worker.Tests;

public sealed class WorkerCommandLineTests
{
    [Fact]
    public void Unrecognized_WorkerFlagsHostSwitchesAndConfigurationPaths_AreAllKnown()
    {
        string[] args =
        [
            "--model", "org/name", "--port", "8001", "--served-model-name", "m", "--dtype", "bfloat16", "--max-num-seqs=8",
            "--urls", "http://127.0.0.1:0", "--environment=Development", "--contentRoot", "/srv", "--Worker:BlockSize", "32",
            "--Logging:LogLevel:Default=Warning", "--Worker=", "--applicationName=LlmServe.Worker",
        ];

        Assert.Empty(WorkerCommandLine.Unrecognized(args));
    }

    [Fact]
    public void Unrecognized_AMistypedOrUnsupportedFlag_IsReported()
    {
        string[] args = ["--model", "m", "--max-num-seq", "8", "--gpu-memory-utilization=0.9", "--port", "8001", "--quantization", "awq"];

        Assert.Equal(["--max-num-seq", "--gpu-memory-utilization", "--quantization"], WorkerCommandLine.Unrecognized(args));
    }

    [Fact]
    public void Unrecognized_ValuesThatAreNotSwitches_AreNotChecked()
    {
        Assert.Empty(WorkerCommandLine.Unrecognized(["--model", "-weird-name", "--served-model-name", "x"]));
    }

    [Fact]
    public void Normalize_StandAloneAndNegatedBooleanFlags_BecomeValues()
    {
        string[] args = ["--model", "m", "--batch-invariant", "--no-enable-prefix-caching", "--port", "8001", "--enable-prefix-caching"];

        var normalized = WorkerCommandLine.Normalize(args);

        Assert.Equal(["--model", "m", "--batch-invariant", "true", "--enable-prefix-caching", "false", "--port", "8001", "--enable-prefix-caching", "true"],
            normalized);
        Assert.Empty(WorkerCommandLine.Unrecognized(normalized));
        Assert.Equal(["--batch-invariant", "false"], WorkerCommandLine.Normalize(["--batch-invariant", "false"]));
    }

    [Fact]
    public async Task Worker_StartedWithAMistypedFlag_ExitsWithCode2AndNamesIt()
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "LlmServe.Worker.dll");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProcessRunner.RunAsync("dotnet",
            [worker, "--model", "unused", "--max-num-seq", "4"], AppContext.BaseDirectory, TimeSpan.FromMinutes(1)));

        Assert.Contains("exited with 2", error.Message);
        Assert.Contains("error: unrecognized arguments: --max-num-seq", error.Message);
    }
}
