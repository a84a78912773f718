using System.Text.Json;
using LlmServe.Worker.Api;
using LlmServe.Worker.Chat.Jinja;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Chat;

/// <summary>
/// Turns chat messages into the prompt text the model was trained on, and that text into token ids.
/// </summary>
/// <remarks>
/// <para>Models with a chat template get it rendered as Hugging Face does, with the request's own JSON messages (so
/// <c>tool_calls</c>, <c>tool_call_id</c> and any other fields reach the template), <c>tools</c> when given,
/// <c>add_generation_prompt</c> set, and the BOS/EOS token text. Like vLLM, each message's content is first made a
/// string (text parts joined by newlines, null as "") and tool call arguments sent as a JSON string are parsed into
/// an object, because templates print them with <c>tojson</c>.</para>
/// <para>NOTE: base models without a chat template (such as TinyStories checkpoints) get their message contents joined
/// by newlines, so a chat request continues the user's text.</para>
/// </remarks>
internal static class ChatPromptRenderer
{
    public static ChatPrompt Render(JsonElement request, IReadOnlyList<ChatMessage> messages, ChatTemplate? template,
        string? bosToken = null, string? eosToken = null, TimeProvider? clock = null, bool includeTools = true)
    {
        // Checked whether or not a template uses them, so a request is valid or not whatever the model.
        var continueFinal = ContinuesFinalMessage(request, messages);
        var addGenerationPrompt = !continueFinal && JsonFields.OptionalBool(request, "add_generation_prompt", true);
        var kwargs = new Dictionary<string, object?>();
        AddTemplateKwargs(request, kwargs);
        if (template is null)
        {
            return new ChatPrompt(string.Join("\n", messages.Where(m => m.Content.Length > 0).Select(m => m.Content)), false, false);
        }
        var variables = new Dictionary<string, object?>
        {
            ["messages"] = TemplateMessages(request.GetProperty("messages"), messages),
            ["tools"] = includeTools ? Tools(request) : null,
            ["add_generation_prompt"] = addGenerationPrompt,
        };
        if (bosToken is not null)
        {
            variables["bos_token"] = bosToken;
        }
        if (eosToken is not null)
        {
            variables["eos_token"] = eosToken;
        }
        foreach (var (key, value) in kwargs)
        {
            variables[key] = value;
        }
        var text = template.Render(variables, clock);
        if (continueFinal)
        {
            text = OpenFinalMessage(text, messages[^1].Content);
        }
        return new ChatPrompt(text, true, !string.IsNullOrEmpty(bosToken) && text.StartsWith(bosToken, StringComparison.Ordinal));
    }

    /// <summary>
    /// vLLM's <c>continue_final_message</c>: the model continues the last message (typically a partial assistant
    /// reply) instead of starting a new turn. It excludes <c>add_generation_prompt</c>, which is on by default.
    /// </summary>
    private static bool ContinuesFinalMessage(JsonElement request, IReadOnlyList<ChatMessage> messages)
    {
        if (!JsonFields.OptionalBool(request, "continue_final_message", false))
        {
            return false;
        }
        if (!JsonFields.IsAbsent(request, "add_generation_prompt", out _) && JsonFields.OptionalBool(request, "add_generation_prompt", true))
        {
            throw new RequestValidationException("continue_final_message",
                "'continue_final_message' and 'add_generation_prompt' cannot both be true.");
        }
        return messages.Count > 0 && messages[^1].Content.Trim().Length > 0
            ? true
            : throw new RequestValidationException("continue_final_message", "'continue_final_message' needs a final message with content.");
    }

    /// <summary>
    /// The rendered chat cut right after the final message's content, as transformers does: whatever the template
    /// writes after it (end-of-turn tokens) is dropped, so generation continues that text.
    /// </summary>
    private static string OpenFinalMessage(string rendered, string finalContent)
    {
        var content = finalContent.Trim();
        var at = rendered.LastIndexOf(content, StringComparison.Ordinal);
        return at >= 0
            ? rendered[..(at + content.Length)]
            : throw new RequestValidationException("continue_final_message",
                "The chat template did not write the final message's content, so it cannot be continued.");
    }

    /// <summary>
    /// Token ids for a rendered prompt. Without a template the tokenizer adds BOS when the model wants it (as before);
    /// with one, the template alone decides, as in vLLM: a leading BOS text becomes the BOS id and nothing is added.
    /// </summary>
    /// <remarks>
    /// NOTE: other special tokens the template writes (such as &lt;|im_start|&gt;) are encoded as plain text by
    /// tokenizers that do not match special tokens in text; such models need that tokenizer support as well.
    /// </remarks>
    public static IReadOnlyList<int> Encode(ChatPrompt prompt, ITokenizer tokenizer, string? bosToken)
    {
        if (!prompt.FromTemplate)
        {
            return tokenizer.Encode(prompt.Text, addSpecial: true);
        }
        if (prompt.StartsWithBos && bosToken is not null && tokenizer.BosId is int bos)
        {
            return [bos, .. tokenizer.Encode(prompt.Text[bosToken.Length..], addSpecial: false)];
        }
        return tokenizer.Encode(prompt.Text, addSpecial: false);
    }

    /// <summary>
    /// vLLM's <c>chat_template_kwargs</c>: further variables for the template (Qwen3's <c>enable_thinking</c>, Granite's
    /// <c>thinking</c>); they may override the defaults above but not the messages or tools.
    /// </summary>
    private static void AddTemplateKwargs(JsonElement request, Dictionary<string, object?> variables)
    {
        if (JsonFields.IsAbsent(request, "chat_template_kwargs", out var kwargs))
        {
            return;
        }
        if (kwargs.ValueKind != JsonValueKind.Object)
        {
            throw new RequestValidationException("chat_template_kwargs", "'chat_template_kwargs' must be an object.");
        }
        foreach (var property in kwargs.EnumerateObject())
        {
            if (property.Name is not ("messages" or "tools"))
            {
                variables[property.Name] = ValueConverter.FromJson(property.Value);
            }
        }
    }

    private static JsonElement? Tools(JsonElement request)
    {
        if (JsonFields.IsAbsent(request, "tools", out var tools))
        {
            return null;
        }
        return tools.ValueKind == JsonValueKind.Array
            ? tools
            : throw new RequestValidationException("tools", "'tools' must be an array.");
    }

    private static List<object?> TemplateMessages(JsonElement raw, IReadOnlyList<ChatMessage> parsed)
    {
        var result = new List<object?>(parsed.Count);
        var index = 0;
        foreach (var element in raw.EnumerateArray())
        {
            var message = (JinjaDict)ValueConverter.FromJson(element)!;   // ChatMessage.ParseAll checked it is an object
            message["content"] = parsed[index++].Content;
            if (message.TryGetValue("tool_calls", out var calls) && calls is List<object?> list)
            {
                foreach (var call in list)
                {
                    if (call is JinjaDict c && c.TryGetValue("function", out var f) && f is JinjaDict function
                        && function.TryGetValue("arguments", out var args) && args is string json)
                    {
                        function["arguments"] = ParseArguments(json);
                    }
                }
            }
            result.Add(message);
        }
        return result;
    }

    /// <summary>The arguments object of a JSON string; text that is not a JSON object stays as it is.</summary>
    private static object? ParseArguments(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? ValueConverter.FromJson(doc.RootElement) : json;
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
