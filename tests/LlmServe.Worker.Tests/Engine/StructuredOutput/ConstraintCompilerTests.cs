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
