using static LlmServe.Worker.Tests.Chat.ChatFixtures;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>
/// Gemma's templates: turns between &lt;start_of_turn&gt; and &lt;end_of_turn&gt;, the assistant called "model",
/// roles that must alternate; Gemma 3 folds a system message into the first user turn and reads content parts.
/// </summary>
public sealed class GemmaTemplateTests
{
    private static readonly Worker.Chat.Jinja.ChatTemplate Gemma3 = Load("google-gemma-3-it.jinja");
    private static readonly Worker.Chat.Jinja.ChatTemplate Gemma2 = Load("google-gemma-2-2b-it.jinja");

    [Fact]
    public void Gemma3_Conversation_FoldsTheSystemMessageIntoTheFirstUserTurn()
    {
        Assert.Equal(
            "<bos><start_of_turn>user\nYou are a helpful assistant.\n\nWhat is 2+2?<end_of_turn>\n"
            + "<start_of_turn>model\n4<end_of_turn>\n"
            + "<start_of_turn>user\nAnd 3+3?<end_of_turn>\n"
            + "<start_of_turn>model\n",
            Render(Gemma3, Conversation, bos: "<bos>"));
    }

    [Fact]
    public void Gemma3_ContentParts_TextTrimmed_ImagesMarked()
    {
        const string messages = """
            [{"role":"system","content":[{"type":"text","text":"Be brief."}]},
             {"role":"user","content":[{"type":"image"},{"type":"text","text":"  What is this?  "}]}]
            """;

        Assert.Equal("<bos><start_of_turn>user\nBe brief.\n\n<start_of_image>What is this?<end_of_turn>\n<start_of_turn>model\n",
            Render(Gemma3, messages, bos: "<bos>"));
    }

    [Fact]
    public void Gemma3_WithoutGenerationPrompt_EndsAfterTheLastTurn()
    {
        Assert.Equal("<bos><start_of_turn>user\nHello!<end_of_turn>\n", Render(Gemma3, User, addGenerationPrompt: false, bos: "<bos>"));
    }

    [Fact]
    public void Gemma3_RolesOutOfOrder_RaiseTheTemplatesError()
    {
        const string messages = """[{"role":"user","content":"a"},{"role":"user","content":"b"}]""";

        var ex = Assert.Throws<Worker.Chat.Jinja.ChatTemplateException>(() => Render(Gemma3, messages, bos: "<bos>"));
        Assert.Contains("Conversation roles must alternate", ex.Message);
    }

    [Fact]
    public void Gemma2_User_TrimsContent()
    {
        const string messages = """[{"role":"user","content":"  Hello!\n"}]""";

        Assert.Equal("<bos><start_of_turn>user\nHello!<end_of_turn>\n<start_of_turn>model\n", Render(Gemma2, messages, bos: "<bos>"));
    }

    [Fact]
    public void Gemma2_SystemMessage_IsRejectedByTheTemplate()
    {
        var ex = Assert.Throws<Worker.Chat.Jinja.ChatTemplateException>(() => Render(Gemma2, Conversation, bos: "<bos>"));
        Assert.Contains("System role not supported", ex.Message);
    }
}
