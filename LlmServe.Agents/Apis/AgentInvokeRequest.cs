namespace LlmServe.Agents.Apis;

/// <summary>
/// A validated invocation body; a null <see cref="MaxTokens"/> falls back to the agent's setting, and
/// <see cref="Stream"/> asks for the steps as server-sent events.
/// </summary>
internal sealed record AgentInvokeRequest(string Input, int? MaxTokens = null, bool Stream = false);
