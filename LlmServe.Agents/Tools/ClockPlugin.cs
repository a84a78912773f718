using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;

namespace LlmServe.Agents.Tools;

/// <summary>The current time for agents, read from the injected clock.</summary>
internal sealed class ClockPlugin(TimeProvider clock)
{
    [KernelFunction("now")]
    [Description("Returns the current date and time in UTC, in ISO 8601 format.")]
    public string Now() => clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
