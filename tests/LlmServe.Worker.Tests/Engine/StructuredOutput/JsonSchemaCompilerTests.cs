using System.Text.Json;
using LlmServe.Worker.Engine.StructuredOutput;

namespace LlmServe.Worker.Tests.Engine.StructuredOutput;

public sealed class JsonSchemaCompilerTests
{
    private const string Person = """
        {"type":"object","properties":{
          "name":{"type":"string","maxLength":5},
          "age":{"type":"integer"},
          "pets":{"type":"array","items":{"enum":["cat","dog"]},"minItems":1,"maxItems":2},
          "score":{"type":"number"},
          "alive":{"type":"boolean"},
          "nick":{"type":["string","null"]}},
         "required":["name","age"]}
        """;

    private static bool Accepts(string schema, string json) =>
        RegexParserTests.Matches(JsonSchemaCompiler.Compile(JsonDocument.Parse(schema).RootElement), json);

    [Theory]
    [InlineData("""{"name":"Lily","age":5,"pets":["cat"],"score":-1.5e3,"alive":true,"nick":null}""")]
    [InlineData("""{"name":"","age":0,"pets":["dog","cat"],"score":0.25,"alive":false,"nick":"L\"y\u00e9"}""")]
    public void Compile_AcceptsValidInstances(string json)
    {
        Assert.True(Accepts(Person, json));
    }

    [Theory]
    [InlineData("""{"name":"Lilyanne","age":5,"pets":["cat"],"score":1,"alive":true,"nick":null}""")]  // name too long
    [InlineData("""{"name":"Lily","age":5.5,"pets":["cat"],"score":1,"alive":true,"nick":null}""")]   // age not an integer
    [InlineData("""{"name":"Lily","age":5,"pets":[],"score":1,"alive":true,"nick":null}""")]           // minItems
    [InlineData("""{"name":"Lily","age":5,"pets":["cow"],"score":1,"alive":true,"nick":null}""")]      // enum
    [InlineData("""{"name":"Lily","age":05,"pets":["cat"],"score":1,"alive":true,"nick":null}""")]     // leading zero
    [InlineData("""{"name":"Lily","age":5,"pets":["cat"],"score":1,"alive":true}""")]                  // missing property
    public void Compile_RejectsInvalidInstances(string json)
    {
        Assert.False(Accepts(Person, json));
    }

    [Fact]
    public void Compile_RefsIntoDefs_AreFollowed()
    {
        const string schema = """{"$defs":{"p":{"type":"object","properties":{"x":{"type":"integer"}}}},"type":"array","items":{"$ref":"#/$defs/p"},"maxItems":2}""";

        Assert.True(Accepts(schema, """[{"x":1},{"x":-2}]"""));
        Assert.False(Accepts(schema, """[{"x":1},{"x":2},{"x":3}]"""));
    }

    [Fact]
    public void AnyObject_AcceptsNestedJsonObjects()
    {
        var rx = JsonSchemaCompiler.AnyObject();

        Assert.True(RegexParserTests.Matches(rx, """{"a":[1,2],"c":{"b":null},"d":"e"}"""));
        Assert.False(RegexParserTests.Matches(rx, """[1,2]"""));
    }

    [Fact]
    public void Compile_UnsupportedType_Throws()
    {
        Assert.Throws<ArgumentException>(() => JsonSchemaCompiler.Compile(JsonDocument.Parse("""{"type":"tuple"}""").RootElement));
    }
}
