using static LlmServe.Worker.Tests.Chat.Jinja.JinjaAssert;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>The <c>is</c> tests, the string, dict and list methods, and the global functions.</summary>
public sealed class BuiltinTestsTests
{
    [Theory]
    [InlineData("{{ x is defined }}{{ y is defined }}{{ y is undefined }}{{ none is none }}{{ x is not none }}", "TrueFalseTrueTrueTrue")]
    [InlineData("{{ 'a' is string }}{{ 1 is string }}{{ {} is mapping }}{{ '' is mapping }}", "TrueFalseTrueFalse")]
    [InlineData("{{ {} is iterable }}{{ '' is iterable }}{{ 1 is iterable }}{{ none is iterable }}{{ 'a' is sequence }}{{ 1 is sequence }}", "TrueTrueFalseFalseTrueFalse")]
    [InlineData("{{ 1 is number }}{{ true is number }}{{ 1.0 is float }}{{ 1 is integer }}{{ true is integer }}{{ true is boolean }}", "TrueTrueTrueTrueFalseTrue")]
    [InlineData("{{ x is true }}{{ x is false }}{{ 1 is true }}{{ false is false }}", "TrueFalseFalseTrue")]
    [InlineData("{{ 2 is even }}{{ 3 is odd }}{{ 6 is divisibleby 3 }}{{ 6 is divisibleby(4) }}", "TrueTrueTrueFalse")]
    [InlineData("{{ 1 is in [1, 2] }}{{ 3 is gt 2 }}{{ 3 is lt 2 }}{{ 3 is ne 3 }}{{ 'x' is eq 'x' }}{{ 'abc' is lower }}{{ 'ABC' is upper }}", "TrueTrueFalseFalseTrueTrueTrue")]
    [InlineData("{{ range is callable }}{{ none is sameas none }}", "TrueTrue")]
    public void Test_Value_MatchesJinja(string source, string expected)
    {
        Assert.Equal(expected, Render(source, """{"x": true}"""));
    }

    [Theory]
    [InlineData("{{ ' a '.strip() }}|{{ ' a '.lstrip() }}|{{ ' a '.rstrip() }}|{{ 'abcXYZabc'.strip('ac') }}", "a|a | a|bcXYZab")]
    [InlineData("{{ 'a b'.split(' ') }}{{ '  a  b '.split() }}{{ 'a,b,c'.split(',', 1) }}{{ 'a,b,c'.rsplit(',', 1) }}", "['a', 'b']['a', 'b']['a', 'b,c']['a,b', 'c']")]
    [InlineData("{{ 'abc'.startswith('ab') }}{{ ''.startswith('a') }}{{ 'abc'.endswith(('x', 'c')) }}", "TrueFalseTrue")]
    [InlineData("{{ 'Hello'.upper() }}{{ 'Hello'.lower() }}{{ \"they're 1st\".title() }}{{ 'ok'.capitalize() }}", "HELLOhelloThey'Re 1StOk")]
    [InlineData("{{ 'abcab'.replace('ab', 'x', 1) }}{{ ', '.join(['a', 'b']) }}{{ 'a-b'.find('-') }}{{ 'hello'.count('l') }}", "xcaba, b12")]
    [InlineData("{{ '123'.isdigit() }}{{ 'ab'.isalpha() }}{{ '  '.isspace() }}{{ 'a1'.isalnum() }}", "TrueTrueTrueTrue")]
    [InlineData("{{ {'a': 1, 'b': 2}.keys() | list }}{{ {'a': 1, 'b': 2}.values() | list }}{{ [1, 2, 1].count(1) }}{{ [1, 2, 3].index(2) }}", "['a', 'b'][1, 2]21")]
    public void Method_Call_MatchesPython(string source, string expected)
    {
        Assert.Equal(expected, Render(source));
    }

    [Theory]
    [InlineData("{{ range(3) | list }}{{ range(1, 10, 3) | list }}{{ range(5, 0, -2) | list }}{{ range(0) | list }}", "[0, 1, 2][1, 4, 7][5, 3, 1][]")]
    [InlineData("{{ dict(a=1, b='x') }}{{ namespace(a=1).a }}{{ namespace({'k': 2}).k }}", "{'a': 1, 'b': 'x'}12")]
    public void Global_Call_MatchesJinja(string source, string expected)
    {
        Assert.Equal(expected, Render(source));
    }

    [Fact]
    public void Global_HugeRange_IsRefusedLikeTheSandbox()
    {
        Assert.StartsWith("Range too big", RenderFails("{{ range(1000000) | length }}").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_AttributeOfNonNamespace_Fails()
    {
        Assert.Equal("cannot assign attribute on non-namespace object", RenderFails("{% set d = {} %}{% set d.x = 1 %}").Detail);
    }
}
