using System.Globalization;

namespace LlmServe.Agents.Tools;

/// <summary>
/// Evaluates arithmetic (numbers, + - * / % ^, unary minus, parentheses) by recursive descent. A parser of our own
/// rather than a scripting engine, so a model-written expression can compute and never run code.
/// </summary>
internal sealed class ArithmeticEvaluator
{
    public const int MaxLength = 256;
    private const int MaxDepth = 32;
    private readonly string _text;
    private int _at;
    private int _depth;

    private ArithmeticEvaluator(string text) => _text = text;

    /// <exception cref="ArgumentException">The text is not an arithmetic expression, or divides by zero.</exception>
    public static double Evaluate(string expression)
    {
        if (expression.Length > MaxLength)
        {
            throw new ArgumentException($"The expression is longer than {MaxLength} characters.");
        }
        var parser = new ArithmeticEvaluator(expression);
        var value = parser.Sum();
        parser.SkipSpaces();
        if (parser._at != expression.Length)
        {
            throw new ArgumentException($"Unexpected '{expression[parser._at]}' at position {parser._at}.");
        }
        return double.IsFinite(value) ? value : throw new ArgumentException("The result is not a finite number.");
    }

    private double Sum()
    {
        var value = Product();
        while (Accept('+') || Accept('-'))
        {
            value = _text[_at - 1] == '+' ? value + Product() : value - Product();
        }
        return value;
    }

    private double Product()
    {
        var value = Unary();
        while (Accept('*') || Accept('/') || Accept('%'))
        {
            var op = _text[_at - 1];
            var right = Unary();
            if (op != '*' && right == 0)
            {
                throw new ArgumentException("Division by zero.");
            }
            value = op switch { '*' => value * right, '/' => value / right, _ => value % right };
        }
        return value;
    }

    /// <summary>A sign binds looser than a power, as in mathematics: -2^2 = -4.</summary>
    private double Unary() => Accept('-') ? -Unary() : Accept('+') ? Unary() : Power();

    private double Power()
    {
        var value = Primary();
        // Right-associative: 2^3^2 = 2^9; the exponent may carry a sign: 2^-1.
        return Accept('^') ? Math.Pow(value, Unary()) : value;
    }

    private double Primary()
    {
        if (++_depth > MaxDepth)
        {
            throw new ArgumentException("The expression nests too deeply.");
        }
        try
        {
            if (Accept('('))
            {
                var inner = Sum();
                return Accept(')') ? inner : throw new ArgumentException($"Missing ')' at position {_at}.");
            }
            return Number();
        }
        finally
        {
            _depth--;
        }
    }

    private double Number()
    {
        SkipSpaces();
        var start = _at;
        while (_at < _text.Length && (char.IsAsciiDigit(_text[_at]) || _text[_at] == '.'))
        {
            _at++;
        }
        return start < _at && double.TryParse(_text.AsSpan(start, _at - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException(_at < _text.Length ? $"Expected a number at position {start}, found '{_text[start]}'." : "The expression ends too early.");
    }

    private bool Accept(char c)
    {
        SkipSpaces();
        if (_at < _text.Length && _text[_at] == c)
        {
            _at++;
            return true;
        }
        return false;
    }

    private void SkipSpaces()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
        {
            _at++;
        }
    }
}
