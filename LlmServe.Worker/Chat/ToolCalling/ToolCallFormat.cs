using LlmServe.Worker.Chat.Jinja;

namespace LlmServe.Worker.Chat.ToolCalling;

/// <summary>How a model writes tool calls in its output text.</summary>
internal enum ToolCallFormat
{
    /// <summary>Hermes / Qwen: <c>&lt;tool_call&gt;{"name": ..., "arguments": {...}}&lt;/tool_call&gt;</c>, one block per call.</summary>
    Hermes,

    /// <summary>Llama 3.x: a bare JSON object <c>{"name": ..., "parameters": {...}}</c>, optionally after <c>&lt;|python_tag|&gt;</c>.</summary>
    Llama3Json,
}

internal static class ToolCallFormats
{
    /// <summary>
    /// The format the model's chat template teaches: Hermes when it writes <c>&lt;tool_call&gt;</c>, Llama 3.x JSON when
    /// it speaks of <c>ipython</c>/<c>&lt;|python_tag|&gt;</c>. Everything else (no template, or one that ignores tools) gets
    /// Hermes, because that is the format <see cref="ToolPromptFallback"/> describes to the model.
    /// </summary>
    public static ToolCallFormat Detect(ChatTemplate? template) =>
        template is not null && RendersTools(template) && !template.Source.Contains("<tool_call>", StringComparison.Ordinal)
        && (template.Source.Contains("<|python_tag|>", StringComparison.Ordinal) || template.Source.Contains("ipython", StringComparison.Ordinal))
            ? ToolCallFormat.Llama3Json
            : ToolCallFormat.Hermes;

    /// <summary>True when the template reads the <c>tools</c> variable (else the tools would silently vanish from the prompt).</summary>
    public static bool RendersTools(ChatTemplate? template) =>
        template is not null && template.Source.Contains("tools", StringComparison.Ordinal);

    /// <summary>True when the template renders assistant tool calls and tool results itself.</summary>
    public static bool RendersToolMessages(ChatTemplate? template) =>
        template is not null && template.Source.Contains("tool_calls", StringComparison.Ordinal);
}
