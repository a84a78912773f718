namespace LlmServe.Worker.Chat.ToolCalling;

/// <summary>One tool call read from the model's output; <see cref="Arguments"/> is the JSON object's text.</summary>
internal sealed record ParsedToolCall(string Name, string Arguments);

/// <summary>What an output holds: free text (null when none) and the tool calls, empty when it holds none.</summary>
internal sealed record ParsedOutput(string? Content, IReadOnlyList<ParsedToolCall> Calls);
