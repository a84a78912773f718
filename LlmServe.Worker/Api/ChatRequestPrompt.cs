using System.Text.Json;
using LlmServe.Worker.Chat;
using LlmServe.Worker.Chat.ToolCalling;
using LlmServe.Worker.Model;

namespace LlmServe.Worker.Api;

/// <summary>A chat request's prompt tokens, as <c>/v1/chat/completions</c> feeds them to the model and <c>/tokenize</c> counts them.</summary>
internal static class ChatRequestPrompt
{
    /// <summary>
    /// The request's <c>messages</c> (tools described in them where the template cannot render <c>tools</c> itself)
    /// through the model's chat template, encoded. A template that refuses the messages throws
    /// <see cref="Chat.Jinja.ChatTemplateException"/>, which <see cref="RequestPipeline"/> answers with a 400.
    /// </summary>
    public static IReadOnlyList<int> Tokens(JsonElement root, ToolRequest tools, LoadedModel model)
    {
        using var rewritten = ToolPromptFallback.Rewrite(root, tools, model.ChatTemplate);
        var request = rewritten?.RootElement ?? root;
        var chat = ChatPromptRenderer.Render(request, ChatMessage.ParseAll(request), model.ChatTemplate, model.BosToken, model.EosToken,
            includeTools: tools.Choice != ToolChoiceMode.None);
        return ChatPromptRenderer.Encode(chat, model.Tokenizer, model.BosToken);
    }
}
