using LlmServe.Worker.Chat.ToolCalling;

namespace LlmServe.Worker.Tests.Chat.ToolCalling;

public sealed class ToolCallFormatsTests
{
    [Theory]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja", nameof(ToolCallFormat.Hermes))]
    [InlineData("Qwen-Qwen3-0.6B.jinja", nameof(ToolCallFormat.Hermes))]
    [InlineData("meta-llama-Llama-3.2-3B-Instruct.jinja", nameof(ToolCallFormat.Llama3Json))]
    [InlineData("meta-llama-Llama-3.3-70B-Instruct.jinja", nameof(ToolCallFormat.Llama3Json))]
    [InlineData("HuggingFaceTB-SmolLM2-135M-Instruct.jinja", nameof(ToolCallFormat.Hermes))]   // ignores tools: the fallback prompt teaches Hermes
    public void Detect_ReadsTheFormatTheTemplateTeaches(string file, string expected)
    {
        Assert.Equal(expected, ToolCallFormats.Detect(ChatFixtures.Load(file)).ToString());
    }

    [Fact]
    public void SmolLm2Template_IgnoresTools_SoTheFallbackIsUsed()
    {
        var template = ChatFixtures.Load("HuggingFaceTB-SmolLM2-135M-Instruct.jinja");

        Assert.False(ToolCallFormats.RendersTools(template));
        Assert.False(ToolCallFormats.RendersToolMessages(template));
        Assert.True(ToolCallFormats.RendersToolMessages(ChatFixtures.Load("Qwen-Qwen2.5-7B-Instruct.jinja")));
    }
}
