using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmServe.Agents.Agents;

/// <summary>One earlier turn handed to an agent: a user or assistant message.</summary>
internal sealed record ConversationMessage(AuthorRole Role, string Content);
