using LlmServe.Worker.Chat.ToolCalling;

namespace LlmServe.Worker.Tests.Chat.ToolCalling;

public sealed class ToolCallStreamerTests
{
    private static readonly string[] Names = ["add"];

    public static TheoryData<string, string> Outputs => new()
    {
        { nameof(ToolCallFormat.Hermes), "Sure.\n<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1}}\n</tool_call>" },
        { nameof(ToolCallFormat.Hermes), "<tool_call>{\"name\":\"add\",\"arguments\":{}}</tool_call>\n<tool_call>{\"name\":\"add\",\"arguments\":{\"b\":[2]}}</tool_call>" },
        { nameof(ToolCallFormat.Hermes), "A plain answer with a < sign and <tool trailing " },
        { nameof(ToolCallFormat.Hermes), "Broken <tool_call>{\"name\":\"add\",\"arguments\":{" },
        { nameof(ToolCallFormat.Llama3Json), "<|python_tag|>{\"name\": \"add\", \"parameters\": {\"a\": 1}}" },
        { nameof(ToolCallFormat.Llama3Json), "  {\"name\": \"add\", \"parameters\": {}}" },
        { nameof(ToolCallFormat.Llama3Json), "No call {here}" },
        { nameof(ToolCallFormat.Llama3Json), "<|python_ta is not a tag" },
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public void AnySplit_StreamedContentAndCallsEqualTheWholeParse(string formatName, string text)
    {
        var format = Enum.Parse<ToolCallFormat>(formatName);
        var whole = ToolCallParser.Parse(format, text, Names, parallel: true);
        var random = new Random(text.Length);
        for (var trial = 0; trial < 50; trial++)
        {
            var streamer = new ToolCallStreamer(format, Names, parallel: true);
            var content = new System.Text.StringBuilder();
            for (var at = 0; at < text.Length;)
            {
                var size = Math.Min(text.Length - at, random.Next(1, 6));
                content.Append(streamer.Push(text.Substring(at, size)));
                at += size;
            }
            var end = streamer.Finish();
            content.Append(end.Content);

            Assert.Equal(whole.Content ?? "", content.ToString());
            Assert.Equal(whole.Calls, end.Calls);
        }
    }

    [Fact]
    public void Hermes_PlainText_StreamsBeforeTheOutputEnds()
    {
        var streamer = new ToolCallStreamer(ToolCallFormat.Hermes, Names, parallel: true);

        Assert.Equal("Hello", streamer.Push("Hello <tool"));
        Assert.Equal(" <toolbox is", streamer.Push("box is"));
    }
}
