namespace LlmServe.Worker.Api;

/// <summary>A request field that fails validation; becomes a 400 OpenAI error naming <see cref="Param"/>.</summary>
internal sealed class RequestValidationException(string param, string message) : Exception(message)
{
    public string Param { get; } = param;
}
