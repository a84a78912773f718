namespace LlmServe.Gateway.Validation;

/// <summary>Why a request body was rejected, and which field (<c>param</c> in the OpenAI error) is at fault.</summary>
internal sealed record OpenAiValidationError(string Message, string? Param);
