using LlmServe.ServiceDefaults.OpenAi;
using LlmServe.Worker.Chat;
using LlmServe.Worker.Chat.Jinja;
using LlmServe.Worker.Model;

namespace LlmServe.Worker.Api;

/// <summary><c>POST /v1/chat/completions</c>, streaming and not.</summary>
internal static class ChatCompletionsApi
{
    public static IEndpointRouteBuilder MapChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", HandleAsync);
        return app;
    }

    private static Task HandleAsync(HttpContext context, ModelHost host) =>
        RequestPipeline.HandleAsync(context, host, async (root, engine) =>
    {
        try
        {
            var settings = GenerationSettings.Parse(root, chat: true);
            if (settings.Model != host.ServedModelName)
            {
                await OpenAiError.ModelNotFound(settings.Model, [host.ServedModelName]).ExecuteAsync(context);
                return;
            }
            var messages = ChatMessage.ParseAll(root);
            var model = engine.Model;
            var chat = ChatPromptRenderer.Render(root, messages, model.ChatTemplate, model.BosToken, model.EosToken);
            var prompt = ChatPromptRenderer.Encode(chat, model.Tokenizer, model.BosToken);
            var sampling = ConstraintReader.Apply(RequestPipeline.Limit(settings, prompt.Count, model.MaxModelLen, "messages"),
                ConstraintReader.Read(root), engine, "response_format");
            await GenerationResponder.RespondAsync(context, engine, "chatcmpl", [prompt], settings, sampling,
                (id, created, index, text, finish, first, logprobs) => new
                {
                    id, @object = "chat.completion.chunk", created, model = settings.Model,
                    choices = new[]
                    {
                        new
                        {
                            index,
                            delta = first ? (object)new { role = "assistant", content = "" } : new { content = text },
                            logprobs = LogprobsFormatter.Chat(logprobs, model.Tokenizer),
                            finish_reason = finish,
                        },
                    },
                },
                (index, text, finish, logprobs) => new
                {
                    index, message = new { role = "assistant", content = text },
                    logprobs = LogprobsFormatter.Chat(logprobs, model.Tokenizer), finish_reason = finish,
                },
                (id, created, choices, usage) => new { id, @object = "chat.completion", created, model = settings.Model, choices, usage },
                "chat.completion.chunk");
        }
        catch (ChatTemplateException ex)
        {
            // The template refused these messages (raise_exception) or could not render them.
            await OpenAiError.BadRequest(ex.Message, "messages").ExecuteAsync(context);
        }
    });
}
