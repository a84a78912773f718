using System.Text.Json;
using LlmServe.Gateway.Validation;

namespace LlmServe.Gateway.Tests.Validation;

public sealed class OpenAiRequestValidatorTests
{
    private const string Chat = nameof(OpenAiEndpoint.ChatCompletions);
    private const string Completions = nameof(OpenAiEndpoint.Completions);
    private const string Embeddings = nameof(OpenAiEndpoint.Embeddings);

    /// <summary>A minimal valid chat body; the optional-field rows splice one field into it.</summary>
    private const string ChatBase = """{"model":"m","messages":[{"role":"user","content":"hi"}]""";

    public static TheoryData<string, string, string?> InvalidBodies => new()
    {
        // Body shape and model: the same for every endpoint.
        { Chat, "[]", null },
        { Chat, "\"text\"", null },
        { Embeddings, "42", null },
        { Chat, """{"messages":[{"role":"user"}]}""", "model" },
        { Chat, """{"model":7,"messages":[{"role":"user"}]}""", "model" },
        { Completions, """{"model":null,"prompt":"x"}""", "model" },
        { Embeddings, """{"model":["m"],"input":"x"}""", "model" },
        // Chat messages.
        { Chat, """{"model":"m"}""", "messages" },
        { Chat, """{"model":"m","messages":"hi"}""", "messages" },
        { Chat, """{"model":"m","messages":{}}""", "messages" },
        { Chat, """{"model":"m","messages":[]}""", "messages" },
        { Chat, """{"model":"m","messages":["hi"]}""", "messages[0]" },
        { Chat, """{"model":"m","messages":[{"role":"user"},null]}""", "messages[1]" },
        { Chat, """{"model":"m","messages":[{"content":"hi"}]}""", "messages[0].role" },
        { Chat, """{"model":"m","messages":[{"role":"user"},{"role":1}]}""", "messages[1].role" },
        // Completions prompt and embeddings input.
        { Completions, """{"model":"m"}""", "prompt" },
        { Completions, """{"model":"m","prompt":5}""", "prompt" },
        { Completions, """{"model":"m","prompt":{"text":"x"}}""", "prompt" },
        { Embeddings, """{"model":"m"}""", "input" },
        { Embeddings, """{"model":"m","input":true}""", "input" },
        // Optional fields (present with the wrong type or range).
        { Chat, ChatBase + ""","stream":"yes"}""", "stream" },
        { Chat, ChatBase + ""","stream":1}""", "stream" },
        { Completions, """{"model":"m","prompt":"x","stream":"true"}""", "stream" },
        { Chat, ChatBase + ""","max_tokens":0}""", "max_tokens" },
        { Chat, ChatBase + ""","max_tokens":-3}""", "max_tokens" },
        { Chat, ChatBase + ""","max_tokens":2.5}""", "max_tokens" },
        { Chat, ChatBase + ""","max_tokens":"16"}""", "max_tokens" },
        { Completions, """{"model":"m","prompt":"x","max_tokens":-1}""", "max_tokens" },
        { Chat, ChatBase + ""","max_completion_tokens":0}""", "max_completion_tokens" },
        { Chat, ChatBase + ""","max_completion_tokens":"8"}""", "max_completion_tokens" },
        { Chat, ChatBase + ""","temperature":"hot"}""", "temperature" },
        { Chat, ChatBase + ""","temperature":true}""", "temperature" },
        { Chat, ChatBase + ""","top_p":"0.9"}""", "top_p" },
        { Chat, ChatBase + ""","n":0}""", "n" },
        { Chat, ChatBase + ""","n":1.5}""", "n" },
        { Embeddings, """{"model":"m","input":"x","n":"2"}""", "n" },
    };

    public static TheoryData<string, string> ValidBodies => new()
    {
        { Chat, ChatBase + "}" },
        { Chat, """{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"hi"}]}]}""" },
        { Chat, ChatBase + ""","stream":true,"max_tokens":16,"temperature":0,"top_p":0.9,"n":2}""" },
        // null means "unset" for optional fields, as OpenAI clients send it.
        { Chat, ChatBase + ""","stream":null,"max_tokens":null,"max_completion_tokens":null,"temperature":null,"top_p":null,"n":null}""" },
        { Chat, ChatBase + ""","max_completion_tokens":1,"temperature":1.5}""" },
        { Completions, """{"model":"m","prompt":"Once upon a time"}""" },
        { Completions, """{"model":"m","prompt":[1,2,3],"stream":false}""" },
        // Scoring a prompt: nothing generated, the prompt echoed with its log-probabilities.
        { Completions, """{"model":"m","prompt":"x","max_tokens":0,"echo":true,"logprobs":1}""" },
        { Embeddings, """{"model":"m","input":"hello"}""" },
        { Embeddings, """{"model":"m","input":["a","b"]}""" },
        // Fields of other endpoints are not this endpoint's business.
        { Completions, """{"model":"m","prompt":"x","messages":5}""" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public void TryValidate_InvalidBody_ReturnsErrorNamingParam(string endpoint, string json, string? expectedParam)
    {
        using var document = JsonDocument.Parse(json);

        var valid = OpenAiRequestValidator.TryValidate(Enum.Parse<OpenAiEndpoint>(endpoint), document.RootElement, out var model, out var error);

        Assert.False(valid);
        Assert.Null(model);
        Assert.NotNull(error);
        Assert.Equal(expectedParam, error.Param);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void TryValidate_ValidBody_ReturnsModel(string endpoint, string json)
    {
        using var document = JsonDocument.Parse(json);

        var valid = OpenAiRequestValidator.TryValidate(Enum.Parse<OpenAiEndpoint>(endpoint), document.RootElement, out var model, out var error);

        Assert.True(valid, error?.Message);
        Assert.Equal("m", model);
        Assert.Null(error);
    }

    [Fact]
    public void TryValidate_SeveralErrors_ReportsModelBeforeMessages()
    {
        using var document = JsonDocument.Parse("""{"messages":[]}""");

        OpenAiRequestValidator.TryValidate(OpenAiEndpoint.ChatCompletions, document.RootElement, out _, out var error);

        Assert.Equal("model", error?.Param);
    }
}
