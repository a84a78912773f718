using LlmServe.Worker.Engine;

namespace LlmServe.Worker.Tests.Engine;

public sealed class StopStringMatcherTests
{
    [Fact]
    public void Push_StopSplitAcrossPieces_StopsBeforeItAndNeverEmitsIt()
    {
        var matcher = new StopStringMatcher(["The End"]);

        Assert.Equal(("and they were happy. ", false), matcher.Push("and they were happy. "));
        Assert.Equal(("", false), matcher.Push("The"));      // could be the start of "The End": held
        Assert.Equal(("", true), matcher.Push(" End."));
    }

    [Fact]
    public void Push_IncludeStop_EndsJustAfterTheStopString()
    {
        var matcher = new StopStringMatcher(["The End", "."], includeStop: true);

        Assert.Equal(("", false), matcher.Push("The"));
        Assert.Equal(("The End", true), matcher.Push(" End. More"));
    }

    [Fact]
    public void Push_HeldTextThatIsNotAStop_IsReleased()
    {
        var matcher = new StopStringMatcher(["The End"]);

        Assert.Equal(("", false), matcher.Push("The"));
        Assert.Equal(("The dog", false), matcher.Push(" dog"));
    }

    [Fact]
    public void Push_EarliestOfSeveralStops_Wins()
    {
        var matcher = new StopStringMatcher(["zzz", "."]);

        Assert.Equal(("one", true), matcher.Push("one. two zzz"));
    }

    [Fact]
    public void Flush_ReturnsHeldText()
    {
        var matcher = new StopStringMatcher(["###"]);

        Assert.Equal(("text", false), matcher.Push("text##"));
        Assert.Equal("##", matcher.Flush());
    }
}
