namespace LlmServe.Agents.Apis;

/// <summary>A validated invocation body; a null <see cref="MaxTokens"/> falls back to the agent's setting.</summary>
internal sealed record AgentInvokeRequest(string Input, int? MaxTokens = null);
