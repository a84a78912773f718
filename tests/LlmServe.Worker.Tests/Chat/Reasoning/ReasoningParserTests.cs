using LlmServe.Worker.Chat.Reasoning;

namespace LlmServe.Worker.Tests.Chat.Reasoning;

public sealed class ReasoningParserTests
{
    private static readonly ReasoningParser DeepSeek = ReasoningParser.Create("deepseek_r1")!;
    private static readonly ReasoningParser Qwen3 = ReasoningParser.Create("qwen3")!;

    [Theory]
    [InlineData("<think>\nplan\n</think>\n\nanswer", "\nplan\n", "\n\nanswer")]
    [InlineData("plan</think>answer", "plan", "answer")]                 // the template opened the thought
    [InlineData("<think>cut off mid-tho", "cut off mid-tho", null)]      // max_tokens inside the thought
    [InlineData("<think>plan</think>", "plan", null)]
    [InlineData("no tags at all", "no tags at all", null)]
    public void DeepSeekR1_Split(string output, string? reasoning, string? content) =>
        Assert.Equal((reasoning, content), DeepSeek.Split(output));

    [Theory]
    [InlineData("<think>\nplan\n</think>\n\nanswer", "\nplan\n", "\n\nanswer")]
    [InlineData("plain answer, thinking switched off", null, "plain answer, thinking switched off")]
    [InlineData("a </think> in passing", null, "a </think> in passing")]
    [InlineData("<think>cut off", "cut off", null)]
    public void Qwen3_Split(string output, string? reasoning, string? content) =>
        Assert.Equal((reasoning, content), Qwen3.Split(output));

    public static TheoryData<string, string> Outputs => new()
    {
        { "deepseek_r1", "<think>\nplan it</think>\n\nthe answer" },
        { "deepseek_r1", "plan</think>answer" },
        { "deepseek_r1", "<think>never ends" },
        { "deepseek_r1", "<th" },
        { "deepseek_r1", "</thin" },
        { "qwen3", "<think>\nplan it</think>\n\nthe answer" },
        { "qwen3", "answer only </think> <think>" },
        { "qwen3", "<thinking is not a tag" },
        { "qwen3", "<think>a</think" },
    };

    /// <summary>However the output is cut into streamed pieces, the deltas add up to the split of the whole output.</summary>
    [Theory]
    [MemberData(nameof(Outputs))]
    public void Streamed_AnyPieces_AddUpToTheSplit(string name, string output)
    {
        var parser = ReasoningParser.Create(name)!;
        var (reasoning, content) = parser.Split(output);
        var random = new Random(output.Length);
        for (var trial = 0; trial < 200; trial++)
        {
            var streamer = parser.Streamer();
            var (r, c) = ("", "");
            var position = 0;
            while (position < output.Length)
            {
                var length = trial == 0 ? 1 : random.Next(1, 5);   // trial 0: one character at a time
                var piece = output.Substring(position, Math.Min(length, output.Length - position));
                position += piece.Length;
                var (dr, dc) = streamer.Push(piece, final: position == output.Length);
                (r, c) = (r + dr, c + dc);
            }
            Assert.Equal(reasoning ?? "", r);
            Assert.Equal(content ?? "", c);
        }
    }

    [Fact]
    public void Streamed_TagPrefix_IsHeldUntilDecided()
    {
        var streamer = DeepSeek.Streamer();

        Assert.Equal(("", ""), streamer.Push("<thi", final: false));
        Assert.Equal(("plan", ""), streamer.Push("nk>plan</th", final: false));
        Assert.Equal(("", "ok"), streamer.Push("ink>ok", final: false));
    }

    [Fact]
    public void UnknownName_IsRejected() =>
        Assert.Contains("deepseek_r1, qwen3", Assert.Throws<ArgumentException>(() => ReasoningParser.Create("r2d2")).Message);
}
