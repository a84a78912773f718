using LlmServe.ServiceDefaults.OpenAi;
using LlmServe.Worker.Chat.Reasoning;
using LlmServe.Worker.Chat.ToolCalling;
using LlmServe.Worker.Engine.Sampling;
using LlmServe.Worker.Model;

namespace LlmServe.Worker.Api;

/// <summary><c>POST /v1/chat/completions</c>, streaming and not, with tool calls.</summary>
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
        var settings = GenerationSettings.Parse(root, chat: true);
        if (settings.Model != host.ServedModelName)
        {
            await OpenAiError.ModelNotFound(settings.Model, [host.ServedModelName]).ExecuteAsync(context);
            return;
        }
        var model = engine.Model;
        settings.CheckVocabulary(model.Tokenizer.VocabSize, model.EosTokenIds);
        var tools = new ChatToolCalls(ToolRequest.Parse(root), ToolCallFormats.Detect(model.ChatTemplate));
        var reasoning = ChatReasoning.For(root, host.ReasoningParser);
        var prompt = settings.Truncate(ChatRequestPrompt.Tokens(root, tools.Request, model));
        var sampling = RequestPipeline.Limit(settings, prompt.Count, model.MaxModelLen, "messages");
        sampling = tools.ForcedConstraint() is { } forced
            ? ConstraintReader.Read(root) is null ? ConstraintReader.Apply(sampling, new(forced, "tools"), engine)
                : throw new RequestValidationException("response_format", "'response_format' cannot be combined with a required or named 'tool_choice'.")
            : ConstraintReader.Apply(sampling, ConstraintReader.Read(root), engine);
        var (afterToken, openToken) = ReasoningGate.For(host.ReasoningParser, model.Tokenizer, prompt);
        sampling = sampling with { GrammarAfterToken = afterToken, ThoughtOpenToken = openToken };

        object Chunk(string id, long created, int index, object delta, IReadOnlyList<TokenLogprobs> logprobs, string? finish) => new
        {
            id, @object = "chat.completion.chunk", created, model = settings.Model,
            choices = new[] { new { index, delta, logprobs = LogprobsFormatter.Chat(logprobs, model.Tokenizer), finish_reason = finish } },
        };

        // Log-probabilities of tokens whose text is held back (a possible tag) go out with the next chunk sent.
        var heldLogprobs = new Dictionary<int, List<TokenLogprobs>>();

        // Streams carry no prompt log-probabilities (refused with stream, as vLLM does).
        IEnumerable<object> Chunks(string id, long created, int index, string text, string? finish, bool first, IReadOnlyList<TokenLogprobs> logprobs,
            IReadOnlyList<TokenLogprobs?>? promptLogprobs)
        {
            if (first)
            {
                return [Chunk(id, created, index, new { role = "assistant", content = "" }, logprobs, null)];
            }
            if (!reasoning.Enabled)
            {
                return ContentChunks(id, created, index, text, finish, logprobs);
            }
            // The thought streams as reasoning deltas, the rest as content; text that may be a tag waits.
            var (thought, answer) = reasoning.Push(index, text, finish is not null);
            if (heldLogprobs.Remove(index, out var held))
            {
                logprobs = [.. held, .. logprobs];
            }
            if (thought.Length == 0 && answer.Length == 0 && finish is null)
            {
                if (logprobs.Count > 0)
                {
                    heldLogprobs[index] = [.. logprobs];
                }
                return [];
            }
            IEnumerable<object> content = answer.Length > 0 || finish is not null
                ? ContentChunks(id, created, index, answer, finish, thought.Length > 0 ? [] : logprobs)
                : [];
            return thought.Length > 0 ? [Chunk(id, created, index, ChatReasoning.Fields(thought), logprobs, null), .. content] : content;
        }

        IEnumerable<object> ContentChunks(string id, long created, int index, string text, string? finish, IReadOnlyList<TokenLogprobs> logprobs)
        {
            if (!tools.Request.ParsesCalls)
            {
                return [Chunk(id, created, index, new { content = text }, logprobs, finish)];
            }
            var streamer = tools.Streamer(index);
            var content = streamer.Push(text);
            if (finish is null)
            {
                return content.Length > 0 || logprobs.Count > 0 ? [Chunk(id, created, index, new { content }, logprobs, null)] : [];
            }
            var end = streamer.Finish();
            var result = new List<object>();
            content += end.Content;
            if (content.Length > 0 || logprobs.Count > 0)
            {
                result.Add(Chunk(id, created, index, new { content }, logprobs, null));
            }
            result.AddRange(ToolCallWire.Deltas(end.Calls).Select(d => Chunk(id, created, index, new { tool_calls = new[] { d } }, [], null)));
            result.Add(Chunk(id, created, index, new { }, [], end.Calls.Count > 0 ? "tool_calls" : finish));
            return result;
        }

        await GenerationResponder.RespondAsync(context, engine, "chatcmpl", [prompt], settings, sampling, Chunks,
            (index, text, finish, logprobs, _) =>
            {
                var (thought, answer) = reasoning.Split(text);
                var parsed = answer is null ? new ParsedOutput(null, []) : tools.Parse(answer);
                var message = new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = parsed.Calls.Count == 0 ? answer : parsed.Content };
                if (thought is not null)
                {
                    foreach (var (key, value) in ChatReasoning.Fields(thought))
                    {
                        message[key] = value;
                    }
                }
                if (parsed.Calls.Count > 0)
                {
                    message["tool_calls"] = ToolCallWire.Calls(parsed.Calls);
                }
                return new
                {
                    index, message, logprobs = LogprobsFormatter.Chat(logprobs, model.Tokenizer),
                    finish_reason = parsed.Calls.Count > 0 ? "tool_calls" : finish,
                };
            },
            (id, created, choices, usage, promptLogprobs) => new
            {
                id, @object = "chat.completion", created, model = settings.Model, choices, usage,
                prompt_logprobs = promptLogprobs is null ? null : LogprobsFormatter.Prompt(promptLogprobs, model.Tokenizer, sampling.PromptLogprobs ?? 0),
            },
            "chat.completion.chunk");
    });
}
