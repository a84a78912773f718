using static LlmServe.Worker.Tests.Chat.Jinja.JinjaAssert;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>Evaluation semantics: Python values, scoping, loops, namespace, undefined handling and errors.</summary>
public sealed class ChatTemplateTests
{
    [Theory]
    [InlineData("{{ none }}|{{ x }}|{{ true }}|{{ 1.0 }}|{{ 7 / 2 }}|{{ 2 ** 10 }}", "None||True|1.0|3.5|1024")]
    [InlineData("{{ [1.5, 'it\\'s', none, {'k': [true]}] }}", "[1.5, \"it's\", None, {'k': [True]}]")]
    [InlineData("{{ (1, 'a') }}{{ (1,) }}{{ 1e20 }}{{ 1e-5 }}{{ 0.1 + 0.2 }}", "(1, 'a')(1,)1e+201e-050.30000000000000004")]
    [InlineData("{{ -7 // 2 }},{{ 7 % -3 }},{{ 'ab' * 2 }},{{ true + 1 }}", "-4,-2,abab,2")]
    [InlineData("{{ 1 == 1.0 }},{{ true == 1 }},{{ {'a': 1} == {'a': 1} }},{{ [1, 2] < [1, 3] }}", "True,True,True,True")]
    [InlineData("{{ 1 and 2 }},{{ 0 and 2 }},{{ 0 or 'x' }},{{ '' or [] }}", "2,0,x,[]")]
    public void Render_Values_PrintAndComputeAsPython(string source, string expected)
    {
        Assert.Equal(expected, Render(source));
    }

    [Theory]
    [InlineData("{{ [1, 2, 3][::-1] }}{{ 'abc'[::-1] }}{{ 'abcd'[1:-1] }}", "[3, 2, 1]cbabc")]
    [InlineData("{{ [1, 2, 3, 4, 5][4:1:-2] }}{{ [1, 2, 3][5:] }}{{ [1, 2, 3][-10:] }}{{ [1, 2, 3][-1] }}", "[5, 3][][1, 2, 3]3")]
    [InlineData("{{ 'h😀llo'[1] }}{{ 'h😀llo' | length }}{{ 'h😀llo'[::-1] }}", "😀5oll😀h")]
    public void Render_Slicing_FollowsPythonIncludingCodePoints(string source, string expected)
    {
        Assert.Equal(expected, Render(source));
    }

    [Fact]
    public void Render_LoopVariables_CountOnlyItemsKeptByTheFilter()
    {
        Assert.Equal("0:True/False/1/0/3/2/3//2;2:False/False/2/1/2/1/3/0/4;4:False/True/3/2/1/0/3/2/;",
            Render("{%- for i in range(5) if i % 2 == 0 -%}{{ i }}:{{ loop.first }}/{{ loop.last }}/{{ loop.index }}/"
                + "{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.length }}/{{ loop.previtem }}/"
                + "{{ loop.nextitem }};{% endfor -%}"));
    }

    [Fact]
    public void Render_LoopElseBreakContinueAndCycle_BehaveAsLoopControls()
    {
        Assert.Equal("OK|0134|odd even odd",
            Render("{% for i in [] %}x{% else %}OK{% endfor %}|"
                + "{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}|"
                + "{% for i in range(3) %}{{ loop.cycle('odd', 'even') }}{{ ' ' if not loop.last }}{% endfor %}"));
    }

    [Fact]
    public void Render_SetInsideLoop_DoesNotLeakButNamespaceDoes()
    {
        // Each iteration starts from the outer x (0); only the namespace carries state across iterations.
        Assert.Equal("000|0|[]|3|5",
            Render("{% set x = 0 %}{% for i in range(3) %}{{ x }}{% set x = x + 1 %}{% endfor %}|{{ x }}|"
                + "{% for i in [1] %}{% set z = 1 %}{% endfor %}[{{ z }}]|"
                + "{% set ns = namespace(total=0) %}{% for i in range(3) %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}|"
                + "{% if true %}{% set y = 5 %}{% endif %}{{ y }}"));
    }

    [Fact]
    public void Render_UnpackingAndBlockSet_AssignEveryName()
    {
        Assert.Equal("a=1;b=2;|1,2|x: Hello there",
            Render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}|"
                + "{% set a, b = 1, 2 %}{{ a }},{{ b }}|{% set s %}Hello {{ 'there' }}{% endset %}x: {{ s }}"));
    }

    [Fact]
    public void Render_Undefined_IsEmptyFalsyAndIterableButFailsOnAttributeAccess()
    {
        Assert.Equal("[]|False|0|[]|d|True|True", Render(
            "[{{ missing }}]|{{ missing is defined }}|{{ missing | length }}|{{ missing | list }}|{{ missing | default('d') }}|"
            + "{{ missing is iterable }}|{{ missing is undefined }}"));
        Assert.Equal("'missing' is undefined", RenderFails("{{ missing.role }}").Detail);
        Assert.Equal("'dict object' has no attribute 'y'", RenderFails("{{ x.y.z }}", """{"x": {}}""").Detail);
    }

    [Fact]
    public void Render_MissingAttributeOrItem_IsUndefinedUnlessChained()
    {
        Assert.Equal("[][][][]", Render("[{{ none.foo }}][{{ {'a': 1}.b }}][{{ [1][5] }}][{{ 'abc'.foo }}]"));
        Assert.Equal("list object has no element 0", RenderFails("{{ messages[0]['content'] }}", """{"messages": []}""").Detail);
    }

    [Fact]
    public void Render_DictAttribute_PrefersMethodsOverKeys()
    {
        Assert.Equal("5|2|items=5;x=1;|None|5|1", Render(
            "{{ d['items'] }}|{{ d.items() | list | length }}|{% for k, v in d | items %}{{ k }}={{ v }};{% endfor %}|"
            + "{{ d.get('nope') }}|{{ d.get('nope', 5) }}|{{ d.x }}", """{"d": {"items": 5, "x": 1}}"""));
    }

    [Fact]
    public void Render_TypeErrors_FailWithTheStatementsLine()
    {
        var ex = RenderFails("ok\n{{ 'a' ~ 1 + 2 }}");

        Assert.Equal(2, ex.Line);
        Assert.Equal("unsupported operand type(s) for +: 'str' and 'int'", ex.Detail);
        Assert.Equal("argument of type 'NoneType' is not iterable", RenderFails("{{ 'a' in none }}").Detail);
        Assert.Equal("'<' not supported between instances of 'int' and 'str'", RenderFails("{{ 1 < 'a' }}").Detail);
    }

    [Fact]
    public void Render_RaiseException_KeepsTheTemplatesMessageVerbatim()
    {
        var ex = RenderFails("\n{{ raise_exception('Conversation roles must alternate!') }}");

        Assert.True(ex.RaisedByTemplate);
        Assert.Equal("Conversation roles must alternate!", ex.Message);
    }

    [Fact]
    public void Render_StrftimeNow_FormatsTheInjectedClock()
    {
        Assert.Equal("26 Jul 2024|July 26, 2024 09:30:00 Friday Fri 208 AM",
            Render("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%B %d, %Y %H:%M:%S %A %a %j %p') }}"));
    }

    [Fact]
    public void Render_JsonVariables_BecomeOrderedDictsListsIntsAndFloats()
    {
        Assert.Equal("""{'role': 'user', 'content': 'hi é', 'n': 1.0, 'm': 2, 'b': True, 'z': None}|6""",
            Render("{{ messages[0] }}|{{ messages[0] | length }}",
                """{"messages": [{"role": "user", "content": "hi é", "n": 1.0, "m": 2, "b": true, "z": null}]}"""));
    }
}
