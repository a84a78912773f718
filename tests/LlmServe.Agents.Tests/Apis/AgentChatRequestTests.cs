using System.Text.Json;
using LlmServe.Agents.Apis;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmServe.Agents.Tests.Apis;

public sealed class AgentChatRequestTests
{
    private static AgentChatRequest Parse(string json) => AgentChatRequest.Parse(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Parse_AgentModel_KeepsUserAndAssistantTurnsAndDropsSystem()
    {
        var request = Parse("""
            {"model":"agent/calculator","max_tokens":12,"stream":true,"messages":[{"role":"system","content":"ignored"},
             {"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":[{"type":"text","text":"6*7?"}]}]}
            """);

        Assert.Equal("calculator", request.AgentName);
        Assert.Equal([AuthorRole.User, AuthorRole.Assistant, AuthorRole.User], request.Conversation.Select(m => m.Role));
        Assert.Equal("6*7?", request.Conversation[^1].Content);
        Assert.Equal(12, request.MaxTokens);
        Assert.True(request.Stream);
    }

    [Fact]
    public void Parse_ModelWithoutAgentPrefix_NamesNoAgent()
    {
        Assert.Equal("", Parse("""{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}""").AgentName);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model")]
    [InlineData("""{"model":"agent/a","messages":[]}""", "messages")]
    [InlineData("""{"model":"agent/a","messages":[{"role":"tool","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"agent/a","messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}]}""", "messages")]
    [InlineData("""{"model":"agent/a","messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"agent/a","messages":[{"role":"user","content":7}]}""", "messages[0].content")]
    [InlineData("""{"model":"agent/a","messages":[{"role":"user","content":[1,2]}]}""", "messages[0].content")]
    [InlineData("""{"model":"agent/a","messages":[{"role":5,"content":"x"}]}""", "messages[0].role")]
    public void Parse_BadRequest_NamesTheParameter(string json, string param)
    {
        Assert.Equal(param, Assert.Throws<AgentRequestException>(() => Parse(json)).Param);
    }
}
