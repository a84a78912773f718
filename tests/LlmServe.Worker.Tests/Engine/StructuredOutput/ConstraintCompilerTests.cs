using LlmServe.TestUtilities;
using LlmServe.Worker.Engine.StructuredOutput;
using LlmServe.Worker.Model;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Engine.StructuredOutput;

/// <summary>The compiled-constraint cache: reuse, a bound on how many it keeps, and failures that are not cached.</summary>
public sealed class ConstraintCompilerTests
{
    private static readonly Lazy<ConstraintCompilerFixture> Shared = new(() => new ConstraintCompilerFixture());

    [Fact]
    public void SameConstraint_IsCompiledOnce()
    {
        var compiler = new ConstraintCompiler(Shared.Value.Tokenizer);
        var first = compiler.Compile(Regex("[a-z]+"));

        Assert.Same(first, compiler.Compile(Regex("[a-z]+")));
        Assert.Equal(1, compiler.Count);
    }

    [Fact]
    public void ManyDistinctConstraints_KeepOnlyTheMostRecentlyUsed()
    {
        var compiler = new ConstraintCompiler(Shared.Value.Tokenizer, capacity: 4);
        var kept = compiler.Compile(Regex("a+"));
        var firstOfMany = compiler.Compile(Regex("b{1}"));
        for (var i = 2; i <= 20; i++)
        {
            compiler.Compile(Regex($"b{{{i}}}"));
            Assert.Same(kept, compiler.Compile(Regex("a+")));   // used every time, so never the oldest
        }

        Assert.Equal(4, compiler.Count);
        Assert.NotSame(firstOfMany, compiler.Compile(Regex("b{1}"))); // long evicted: compiled again
        Assert.Equal(4, compiler.Count);
    }

    [Fact]
    public void BadSpec_IsNotCached()
    {
        var compiler = new ConstraintCompiler(Shared.Value.Tokenizer);

        Assert.Throws<ArgumentException>(() => compiler.Compile(Regex("(unclosed")));
        Assert.Equal(0, compiler.Count);
    }

    [Theory]
    [InlineData("""{"enum": []}""")]
    [InlineData("""{"anyOf": []}""")]
    [InlineData("""{"type": "object", "properties": {"a": {"enum": []}}, "required": ["a"]}""")]
    [InlineData("""{"type": "array", "items": {"anyOf": []}, "minItems": 1}""")]
    public void SchemaNoOutputCanMatch_IsRejectedAtCompileTime(string schema)
    {
        var compiler = new ConstraintCompiler(Shared.Value.Tokenizer);

        var error = Assert.Throws<ArgumentException>(() => compiler.Compile(new OutputConstraint(OutputConstraintKind.JsonSchema, schema)));

        Assert.Contains("no output can match", error.Message);
    }

    [Fact]
    public void AConstraintWhoseFirstMaskOutgrowsTheAutomatonLimit_IsRejectedAndNotCached()
    {
        var compiler = new ConstraintCompiler(Shared.Value.Tokenizer, maxStates: 1);   // the start state alone

        var error = Assert.Throws<ArgumentException>(() => compiler.Compile(Regex("[ab]*a[ab]{5}")));

        Assert.Contains("automaton states", error.Message);
        Assert.Equal(0, compiler.Count);
    }

    [Fact]
    public void ABranchThatCanNeverComplete_IsNotOffered()
    {
        // The object branch needs a value for "a" from an empty enum: after '{' no output could ever complete, so
        // '{' must lead nowhere instead of into a state that no token can leave.
        var compiler = new ConstraintCompiler(Shared.Value.Tokenizer);
        var masker = compiler.Compile(new OutputConstraint(OutputConstraintKind.JsonSchema,
            """{"anyOf": [{"type": "object", "properties": {"a": {"enum": []}}, "required": ["a"]}, {"const": 17}]}"""));
        var tokenizer = Shared.Value.Tokenizer;
        var brace = Enumerable.Range(0, tokenizer.VocabSize).First(t => tokenizer.TokenBytes(t).SequenceEqual("{"u8));

        Assert.False(masker.IsStuck(masker.Start));
        Assert.Equal(0UL, masker.Allowed(masker.Start)[brace / 64] & (1UL << (brace % 64)));
        Assert.True(masker.IsStuck(masker.Advance(masker.Start, tokenizer, brace)));
    }

    private static OutputConstraint Regex(string pattern) => new(OutputConstraintKind.Regex, pattern);

    private sealed class ConstraintCompilerFixture
    {
        public Worker.Tokenization.ITokenizer Tokenizer { get; } = LoadTokenizer();

        private static Worker.Tokenization.ITokenizer LoadTokenizer()
        {
            using var model = ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32);
            return model.Tokenizer;
        }
    }
}
