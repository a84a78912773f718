using System.Text;
using LlmServe.Worker.Engine.StructuredOutput;

namespace LlmServe.Worker.Tests.Engine.StructuredOutput;

public sealed class RegexParserTests
{
    internal static bool Matches(Rx rx, string text)
    {
        var dfa = new LazyDfa(Nfa.Build(rx));
        var state = dfa.Start;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            state = dfa.Next(state, b);
            if (state == LazyDfa.Dead)
            {
                return false;
            }
        }
        return dfa.IsAccepting(state);
    }

    [Theory]
    [InlineData(@"\d{3}-\d{4}", "555-1234", true)]
    [InlineData(@"\d{3}-\d{4}", "555-123", false)]
    [InlineData(@"^(cat|dog)s?$", "dogs", true)]
    [InlineData(@"(cat|dog)s?", "cow", false)]
    [InlineData(@"[A-Z][a-z]+", "Lily", true)]
    [InlineData(@"[A-Z][a-z]+", "lily", false)]
    [InlineData(@"[^0-9]+", "abc", true)]
    [InlineData(@"[^0-9]+", "a1", false)]
    [InlineData(@"a.c", "abc", true)]
    [InlineData(@"(?:ab){2,}", "ababab", true)]
    [InlineData(@"(?:ab){2,}", "ab", false)]
    [InlineData(@"x\.y", "x.y", true)]
    [InlineData(@"x\.y", "xzy", false)]
    [InlineData(@"héllo|🐶", "🐶", true)]
    public void Parse_MatchesWholeStrings(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, Matches(RegexParser.Parse(pattern), text));
    }

    [Theory]
    [InlineData("(ab")]
    [InlineData("[a-")]
    [InlineData(@"\q")]
    public void Parse_Invalid_ThrowsArgumentException(string pattern)
    {
        Assert.Throws<ArgumentException>(() => RegexParser.Parse(pattern));
    }
}
