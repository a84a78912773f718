using static LlmServe.Worker.Tests.Chat.Jinja.JinjaAssert;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>Precedence as in jinja2, and refusal, at parse time and with the line, of anything not implemented.</summary>
public sealed class ParserTests
{
    [Theory]
    [InlineData("{{ [1, 2, 3] | length - 1 }}", "2")]                     // filters bind tighter than arithmetic
    [InlineData("{{ not none is none }}", "False")]                         // not (none is none)
    [InlineData("{{ 'a' ~ 2 * 3 }}", "a6")]                                 // * is tighter than ~
    [InlineData("{{ 2 + 3 * 4 }},{{ 5 - 3 - 1 }},{{ 10 // 3 * 3 }}", "14,1,9")]
    [InlineData("{{ 1 < 2 < 3 }},{{ 3 > 2 > 2 }}", "True,False")]          // comparison chains
    [InlineData("{{ 'x' if false else 'y' if true else 'z' }}", "y")]
    [InlineData("{{ 1 in [1] and 2 not in [1] }}", "True")]
    [InlineData("{{ 'a' 'b' \"c\" }}", "abc")]                             // adjacent strings concatenate
    public void Parse_Expressions_FollowJinjaPrecedence(string source, string expected)
    {
        Assert.Equal(expected, Render(source));
    }

    [Theory]
    [InlineData("a\n{{ x | indent }}", 2, "no filter named 'indent'")]
    [InlineData("a\nb\n{{ x is foo }}", 3, "no test named 'foo'")]
    [InlineData("{% include 'other.jinja' %}", 1, "the tag 'include'")]
    [InlineData("\n{% for x in xs recursive %}{% endfor %}", 2, "recursive loops")]
    [InlineData("\n\n{{ foo(1) }}", 3, "unknown function 'foo()'")]
    [InlineData("{{ messages.append(1) }}", 1, "the method 'append()'")]
    [InlineData("{{ 'a'.zfill(3) }}", 1, "the method 'zfill()'")]
    [InlineData("{% set x | trim %}a{% endset %}", 1, "block 'set' with a filter")]
    [InlineData("\n{% break %}", 2, "'break' outside of a loop")]
    [InlineData("{% if x %}\nunclosed", 2, "expected 'elif' or 'else' or 'endif'")]
    [InlineData("{{ 1 + }}", 1, "unexpected '}}'")]
    [InlineData("{{ f(*args) }}", 1, "'*args'")]
    public void Parse_UnsupportedOrInvalid_FailsNamingTheConstructAndLine(string source, int line, string detail)
    {
        var ex = ParseFails(source);

        Assert.Equal(line, ex.Line);
        Assert.Contains(detail, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Chat template error at line {line}: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MacroCalledBeforeItsDefinitionInSource_IsAccepted()
    {
        Assert.Equal("[1|d][1|2]",
            Render("{% macro m(a, b='d') %}[{{ a }}|{{ b }}]{% endmacro %}{{ m(1) }}{{ m(b=2, a=1) }}"));
    }

    [Fact]
    public void Parse_GenerationTag_RendersItsBody()
    {
        Assert.Equal("<|im_start|>assistant\nhi", Render("<|im_start|>assistant\n{% generation %}hi{% endgeneration %}"));
    }
}
