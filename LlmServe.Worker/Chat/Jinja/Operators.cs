namespace LlmServe.Worker.Chat.Jinja;

/// <summary>Python arithmetic and concatenation for the binary and unary operators.</summary>
internal static class Operators
{
    public static object? Binary(string op, object? a, object? b)
    {
        if (op == "~")
        {
            return PyFormat.Str(a) + PyFormat.Str(b);
        }
        if (a is Undefined ua)
        {
            throw ua.Error();
        }
        if (b is Undefined ub)
        {
            throw ub.Error();
        }
        if (Values.IsNumber(a) && Values.IsNumber(b))
        {
            return Arithmetic(op, a, b);
        }
        return (op, a, b) switch
        {
            ("+", string x, string y) => x + y,
            ("+", List<object?> x, List<object?> y) => x.Concat(y).ToList(),
            ("+", object?[] x, object?[] y) => x.Concat(y).ToArray(),
            ("*", string x, long or bool) => Repeat(b, n => string.Concat(Enumerable.Repeat(x, n))),
            ("*", long or bool, string y) => Repeat(a, n => string.Concat(Enumerable.Repeat(y, n))),
            ("*", List<object?> x, long or bool) => Repeat(b, n => Enumerable.Repeat(x, n).SelectMany(l => l).ToList()),
            _ => throw new ChatTemplateException(
                $"unsupported operand type(s) for {op}: '{Values.TypeName(a)}' and '{Values.TypeName(b)}'"),
        };
    }

    private static object Repeat(object? count, Func<int, object> make)
    {
        var n = Values.ToLong(count);
        return make((int)Math.Clamp(n, 0, 1_000_000));
    }

    private static object Arithmetic(string op, object? a, object? b)
    {
        if (a is double || b is double || op == "/")
        {
            var x = Values.ToDouble(a);
            var y = Values.ToDouble(b);
            if (y == 0 && op is "/" or "//" or "%")
            {
                throw new ChatTemplateException("float division by zero");
            }
            return op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => x / y,
                "//" => Math.Floor(x / y),
                "%" => x - (y * Math.Floor(x / y)),
                "**" => Math.Pow(x, y),
                _ => throw new ChatTemplateException($"unknown operator '{op}'"),
            };
        }
        var i = Values.ToLong(a);
        var j = Values.ToLong(b);
        if (j == 0 && op is "//" or "%")
        {
            throw new ChatTemplateException("integer division or modulo by zero");
        }
        try
        {
            return op switch
            {
                "+" => (object)checked(i + j),
                "-" => checked(i - j),
                "*" => checked(i * j),
                "//" => FloorDiv(i, j),
                "%" => ((i % j) + j) % j,
                "**" => j < 0 ? (object)Math.Pow(i, j) : IntPow(i, j),
                _ => throw new ChatTemplateException($"unknown operator '{op}'"),
            };
        }
        catch (OverflowException)
        {
            throw new ChatTemplateException($"integer overflow in '{op}'");
        }
    }

    private static long FloorDiv(long i, long j) => (i / j) - ((i % j != 0) && ((i < 0) != (j < 0)) ? 1 : 0);

    private static long IntPow(long x, long n)
    {
        var result = 1L;
        while (n > 0)
        {
            if ((n & 1) == 1)
            {
                result = checked(result * x);
            }
            n >>= 1;
            if (n > 0)
            {
                x = checked(x * x);
            }
        }
        return result;
    }

    public static object? Negate(object? value) => value switch
    {
        long l => (object)checked(-l),
        double d => -d,
        bool b => b ? -1L : 0L,
        Undefined u => throw u.Error(),
        _ => throw new ChatTemplateException($"bad operand type for unary -: '{Values.TypeName(value)}'"),
    };

    public static object? Plus(object? value) => value switch
    {
        long or double => value,
        bool b => b ? 1L : 0L,
        Undefined u => throw u.Error(),
        _ => throw new ChatTemplateException($"bad operand type for unary +: '{Values.TypeName(value)}'"),
    };
}
