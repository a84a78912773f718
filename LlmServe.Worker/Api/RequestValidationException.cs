namespace LlmServe.Worker.Api;

/// <summary>A request field that fails validation; becomes a 400 OpenAI error naming <see cref="Param"/>.</summary>
internal sealed class RequestValidationException(string param, string message, string? code = null) : Exception(message)
{
    /// <summary>OpenAI's code for an input longer than the model's context.</summary>
    public const string ContextLengthExceeded = "context_length_exceeded";

    public string Param { get; } = param;

    /// <summary>The error's machine-readable code (OpenAI's <c>error.code</c>), where there is one.</summary>
    public string? Code { get; } = code;
}
