namespace LlmServe.Agents.Apis;

/// <summary>Why a request body was rejected, and which parameter is at fault (null for the body as a whole).</summary>
internal sealed record RequestError(string Message, string? Param);
