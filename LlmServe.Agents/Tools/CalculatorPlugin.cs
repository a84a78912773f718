using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;

namespace LlmServe.Agents.Tools;

/// <summary>Arithmetic for agents: pure computation, no I/O.</summary>
internal sealed class CalculatorPlugin
{
    [KernelFunction("evaluate")]
    [Description("Evaluates an arithmetic expression with numbers, + - * / % ^ and parentheses, and returns the result.")]
    public string Evaluate([Description("The expression, for example (2+3)*4")] string expression) =>
        ArithmeticEvaluator.Evaluate(expression).ToString("G15", CultureInfo.InvariantCulture);
}
