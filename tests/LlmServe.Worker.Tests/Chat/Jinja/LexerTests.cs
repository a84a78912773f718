using static LlmServe.Worker.Tests.Chat.Jinja.JinjaAssert;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>Whitespace handling as jinja2 does it with trim_blocks and lstrip_blocks (what Hugging Face uses).</summary>
public sealed class LexerTests
{
    [Theory]
    [InlineData("{% if true %}\nyes\n{% endif %}\nend", "yes\nend")]                 // trim_blocks: newline after %} goes
    [InlineData("    {% if true %}\n    x\n    {% endif %}\n", "    x\n")]             // lstrip_blocks: indent before {% goes
    [InlineData("\t{% if true %}\n\tx\n\t{% endif %}\n", "\tx\n")]
    [InlineData("a  {% if true %}  b  {% endif %}  c", "a    b    c")]                 // not at a line start: kept
    [InlineData("{{ 'a' }}\n{{ 'b' }}\n   {{ 'c' }}   \n", "a\nb\n   c   ")]          // {{ }} is neither trimmed nor stripped
    [InlineData("x {# c #}\n  y\n  {# c2 #}\nz", "x   y\nz")]                          // comments trim and lstrip like blocks
    [InlineData("{%+ if true %}a{% endif +%}\nb", "a\nb")]                              // + keeps what - or the options remove
    [InlineData("  {% set _ = 1 %}    {% set _ = 2 %}b", "    b")]
    public void Tokenize_BlockWhitespace_FollowsTrimAndLstripBlocks(string source, string expected)
    {
        Assert.Equal(expected, Render(source));
    }

    [Theory]
    [InlineData("a  \n  {{- 'b' }}", "ab")]
    [InlineData("{{ 'a' -}}  \n\n  b", "ab")]
    [InlineData("line1\n   {%- if true -%}   \n  x  \n  {%- endif -%}\n   line2", "line1xline2")]
    [InlineData("{{- 'a' -}}   \n\n   {{- 'b' }}  \n", "ab  ")]
    [InlineData("{#- note -#}\n\n  x", "x")]
    public void Tokenize_MinusSign_StripsAllAdjacentWhitespace(string source, string expected)
    {
        Assert.Equal(expected, Render(source));
    }

    [Fact]
    public void Tokenize_CrLfAndOneTrailingNewline_AreNormalisedAndDropped()
    {
        Assert.Equal("  yes\n", Render("{% if true %}\r\n  yes\r\n{% endif %}\r\n\r\n"));
    }

    [Fact]
    public void Tokenize_StringEscapes_DecodeLikePython()
    {
        Assert.Equal("a\tb\\c'd\"e A é A \\d", Render("""{{ 'a\tb\\c\'d"e \x41 \u00e9 \101 \d' }}"""));
    }

    [Fact]
    public void Tokenize_DelimitersInsideStringsAndDicts_DoNotCloseTheTag()
    {
        Assert.Equal("%}{{}}{'a': {'b': 1}}", Render("{{ '%}' }}{{ '{{' }}{{ \"}}\" }}{{ {'a': {'b': 1}} }}"));
    }

    [Fact]
    public void Tokenize_UnclosedTag_FailsWithTheLineOfTheTag()
    {
        var ex = ParseFails("line 1\n{{ 'x' ");

        Assert.Equal(2, ex.Line);
        Assert.Contains("expected '}}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokenize_RawBlock_IsRefused()
    {
        var ex = ParseFails("a\n\n{% raw %}{{ x }}{% endraw %}");

        Assert.Equal(3, ex.Line);
        Assert.Contains("'raw'", ex.Message, StringComparison.Ordinal);
    }
}
