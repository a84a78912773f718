using Microsoft.AspNetCore.Http;

namespace LlmServe.ServiceDefaults.Tests;

public sealed class TelemetryNamesTests
{
    [Theory]
    [InlineData("/health", true)]
    [InlineData("/alive", true)]
    [InlineData("/metrics", true)]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/healthy-recipes", false)]
    public void IsProbePath_OnlyProbesAndScrapes(string path, bool expected)
    {
        Assert.Equal(expected, TelemetryNames.IsProbePath(new PathString(path)));
    }
}
