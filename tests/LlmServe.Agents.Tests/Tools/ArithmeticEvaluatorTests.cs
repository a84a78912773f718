using LlmServe.Agents.Tools;

namespace LlmServe.Agents.Tests.Tools;

public sealed class ArithmeticEvaluatorTests
{
    [Theory]
    [InlineData("6*7", 42)]
    [InlineData(" (2 + 3) * 4 ", 20)]
    [InlineData("2^3^2", 512)]
    [InlineData("-2^2", -4)]
    [InlineData("10 % 4 + 1.5", 3.5)]
    [InlineData("1 - 2 - 3", -4)]
    [InlineData("8 / 2 / 2", 2)]
    public void Evaluate_ComputesWithUsualPrecedence(string expression, double expected)
    {
        Assert.Equal(expected, ArithmeticEvaluator.Evaluate(expression), 10);
    }

    [Theory]
    [InlineData("Once upon a time")]
    [InlineData("2 +")]
    [InlineData("(1 + 2")]
    [InlineData("1 / 0")]
    [InlineData("")]
    [InlineData("1 2")]
    [InlineData("10^400")]
    public void Evaluate_RejectsWhatIsNotArithmetic(string expression)
    {
        Assert.Throws<ArgumentException>(() => ArithmeticEvaluator.Evaluate(expression));
    }

    [Fact]
    public void Evaluate_RejectsDeepNestingAndLongInput()
    {
        Assert.Throws<ArgumentException>(() => ArithmeticEvaluator.Evaluate(new string('(', 40) + "1" + new string(')', 40)));
        Assert.Throws<ArgumentException>(() => ArithmeticEvaluator.Evaluate(string.Join("+", Enumerable.Repeat("1", 200))));
    }
}
