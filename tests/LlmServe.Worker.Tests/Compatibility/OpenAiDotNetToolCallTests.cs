using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Json.Schema;
using OpenAI;
using OpenAI.Chat;

namespace LlmServe.Worker.Tests.Compatibility;

/// <summary>The official .NET client reads our tool calls, whole and streamed, from a real worker over HTTP.</summary>
public sealed class OpenAiDotNetToolCallTests(ToolCallingWorker worker) : IClassFixture<ToolCallingWorker>
{
    private const string Schema = """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}""";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private ChatClient Chat => new(ToolCallingWorker.Model, new ApiKeyCredential("unused"),
        new OpenAIClientOptions { Endpoint = worker.Worker.OpenAiEndpoint, RetryPolicy = new ClientRetryPolicy(0) });

    private static ChatCompletionOptions Options()
    {
        var options = new ChatCompletionOptions
        {
            ToolChoice = ChatToolChoice.CreateFunctionChoice("add"), AllowParallelToolCalls = false, MaxOutputTokenCount = 300,
            Temperature = 0,
        };
        options.Tools.Add(ChatTool.CreateFunctionTool("add", "Adds two integers", BinaryData.FromString(Schema)));
        return options;
    }

    [Fact]
    public async Task NamedToolChoice_ClientParsesTheCallAndItsArgumentsValidate()
    {
        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage("What is 2 plus 3?")], Options(), Cancellation);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("add", call.FunctionName);
        Assert.Equal(ChatToolCallKind.Function, call.Kind);
        using var arguments = JsonDocument.Parse(call.FunctionArguments.ToString());
        Assert.True(JsonSchema.FromText(Schema).Evaluate(arguments.RootElement).IsValid);
    }

    [Fact]
    public async Task Streaming_ClientAssemblesTheSameCall()
    {
        ChatCompletion whole = await Chat.CompleteChatAsync([new UserChatMessage("What is 2 plus 3?")], Options(), Cancellation);

        string? name = null, id = null;
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("What is 2 plus 3?")], Options(), Cancellation))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                name ??= part.FunctionName;
                id ??= part.ToolCallId;
                arguments.Append(part.FunctionArgumentsUpdate?.ToString());
            }
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal("add", name);
        Assert.StartsWith("call_", id);
        Assert.Equal(whole.ToolCalls[0].FunctionArguments.ToString(), arguments.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task ToolResultFedBack_ClientGetsAnAnswer()
    {
        ChatCompletion first = await Chat.CompleteChatAsync([new UserChatMessage("What is 2 plus 3?")], Options(), Cancellation);
        List<ChatMessage> history =
        [
            new UserChatMessage("What is 2 plus 3?"), new AssistantChatMessage(first.ToolCalls),
            new ToolChatMessage(first.ToolCalls[0].Id, "5"),
        ];

        ChatCompletion answer = await Chat.CompleteChatAsync(history, new ChatCompletionOptions { MaxOutputTokenCount = 8 }, Cancellation);

        Assert.Empty(answer.ToolCalls);
        Assert.NotEmpty(answer.Content[0].Text);
    }
}
