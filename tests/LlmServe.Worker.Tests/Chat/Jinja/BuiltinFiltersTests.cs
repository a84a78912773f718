using static LlmServe.Worker.Tests.Chat.Jinja.JinjaAssert;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>Each filter against what jinja2 (and transformers' tojson) prints for the same input.</summary>
public sealed class BuiltinFiltersTests
{
    [Theory]
    [InlineData("{{ '  x \\n' | trim }}|{{ 'xxaxx' | trim('x') }}|{{ none | trim }}", "x|a|None")]
    [InlineData("{{ 'AbC' | lower }}{{ 'me' | upper }}{{ 'hELLO wORLD' | capitalize }}{{ 'foo bar-baz(qux' | title }}", "abcMEHello worldFoo Bar-Baz(Qux")]
    [InlineData("{{ x | default('d') }}{{ 1 | default('nope') }}{{ '' | default('x', true) }}{{ none | d('n') }}", "d1xNone")]
    [InlineData("{{ [1, 2] | first }}{{ [1, 2] | last }}{{ 'ab' | list }}{{ {'a': 1, 'b': 2} | list }}", "12['a', 'b']['a', 'b']")]
    [InlineData("{{ [1, 2, 3] | join(', ') }}|{{ [{'n': 'a'}, {'n': 'b'}] | join('|', attribute='n') }}", "1, 2, 3|a|b")]
    [InlineData("{{ [1, 2, 3] | length }}{{ 'abc' | count }}{{ {'a': 1} | length }}", "331")]
    [InlineData("{{ 1 | string + 'x' }}{{ none | string }}{{ 1 | safe }}{{ '<a>&\"\\'' | e }}", "1xNone1&lt;a&gt;&amp;&#34;&#39;")]
    [InlineData("{{ '3.7' | int }},{{ 'x' | int(7) }},{{ true | int }},{{ '0x1f' | int(0, 16) }},{{ ' 2 ' | float }},{{ 'x' | float }}", "3,7,1,31,2.0,0.0")]
    [InlineData("{{ 'aaa' | replace('a', 'b', 2) }}{{ 'a-b' | replace('-', '+') }}", "bbaa+b")]
    [InlineData("{{ [3, 1, 2] | sort }}{{ ['b', 'A', 'c'] | sort(reverse=true) }}{{ [1, 2, 3] | sum }}{{ [3, 1, 2] | max }}{{ [3, 1, 2] | min }}", "[1, 2, 3]['c', 'b', 'A']631")]
    [InlineData("{{ -5 | abs }}{{ 2.567 | round(2) }}{{ 2.5 | round }}{{ [1, 2] | reverse | list }}{{ 'abc' | reverse }}", "52.572.0[2, 1]cba")]
    [InlineData("{{ [1, False, 2, '3', 1, '3', False] | unique | list }}{{ ['a', 'A', 'b'] | unique | list }}", "[1, False, 2, '3']['a', 'b']")]
    public void Filter_Value_MatchesJinja(string source, string expected)
    {
        Assert.Equal(expected, Render(source));
    }

    [Theory]
    [InlineData("{{ xs | selectattr('a', 'equalto', 1) | list }}", "[{'a': 1}]")]
    [InlineData("{{ xs | rejectattr('a', 'equalto', 1) | list }}", "[{'a': 2}, {}]")]
    [InlineData("{{ xs | selectattr('a') | list }}", "[{'a': 1}, {'a': 2}]")]
    [InlineData("{{ xs | map(attribute='a', default=0) | list }}", "[1, 2, 0]")]
    [InlineData("{{ ['', 'a'] | map('length') | list }}{{ range(3) | map('string') | join('-') }}", "[0, 1]0-1-2")]
    [InlineData("{{ [1, 2, 3] | select('odd') | list }}{{ [1, 2, 3] | reject('greaterthan', 1) | list }}{{ ['a', ''] | select | list }}", "[1, 3][1]['a']")]
    [InlineData("{{ ['a', 'b'] | reject('equalto', 'a') | join(', ') }}|{{ none | selectattr('a') | list }}", "b|[]")]
    public void Filter_Selection_MatchesJinja(string source, string expected)
    {
        Assert.Equal(expected, Render(source, """{"xs": [{"a": 1}, {"a": 2}, {}]}"""));
    }

    [Fact]
    public void Filter_SelectResult_IsAlwaysTruthyAndHasNoLength()
    {
        // jinja2 returns a generator: truthy even when empty, and len() of it is a TypeError.
        Assert.Equal("truthy", Render("{% if [1, 2] | select('equalto', 5) %}truthy{% endif %}"));
        Assert.Equal("object of type 'generator' has no len()", RenderFails("{{ [1, 2] | select('odd') | length }}").Detail);
    }

    [Theory]
    [InlineData("{{ {'a': 'b'} | tojson }}", """{"a": "b"}""")]
    [InlineData("{{ [1, 2.5, none, true, 'x\"y\\\\z\\n'] | tojson }}", """[1, 2.5, null, true, "x\"y\\z\n"]""")]
    [InlineData("{{ 'héllo <b>&' | tojson }}{{ 'é' | tojson(ensure_ascii=true) }}", "\"héllo <b>&\"\"\\u00e9\"")]
    [InlineData("{{ [1, 2] | tojson(separators=(',', ':')) }}{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}", """[1,2]{"a": 2, "b": 1}""")]
    [InlineData("{{ {'a': [1, {'b': []}], 'c': {}} | tojson(indent=2) }}", "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {}\n}")]
    public void Filter_ToJson_WritesLikePythonJsonDumps(string source, string expected)
    {
        Assert.Equal(expected, Render(source));
    }

    [Fact]
    public void Filter_ToJsonOfUndefined_Fails()
    {
        Assert.Equal("Object of type Undefined is not JSON serializable", RenderFails("{{ missing | tojson }}").Detail);
    }

    [Fact]
    public void Filter_FilterBlock_AppliesTheChainToTheBody()
    {
        Assert.Equal("abc|X", Render("{% filter trim %} abc {% endfilter %}|{% filter upper | trim %} x {% endfilter %}"));
    }
}
