namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>Byte-level expressions for JSON's lexical pieces (compact: no whitespace between tokens).</summary>
internal static class JsonRx
{
    private static readonly Rx Digit = RxSet.Range((byte)'0', (byte)'9');
    private static readonly Rx Hex = RxSet.Where(b => b is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F');

    /// <summary>One character of a JSON string: anything but a quote, backslash or control byte, or an escape.</summary>
    private static readonly Rx StringChar = Rx.Alt(
        RxSet.Where(b => b >= 0x20 && b != '"' && b != '\\'),
        Rx.Seq(Rx.Literal("\\"), Rx.Alt(RxSet.Of((byte)'"', (byte)'\\', (byte)'/', (byte)'b', (byte)'f', (byte)'n', (byte)'r', (byte)'t'),
            Rx.Seq(Rx.Literal("u"), Hex, Hex, Hex, Hex))));

    // Digit counts are bounded so a model cannot stay inside a number forever.
    private static readonly Rx UnsignedInteger = Rx.Alt(Rx.Literal("0"), Rx.Seq(RxSet.Range((byte)'1', (byte)'9'), Rx.Repeat(Digit, 0, 15)));

    public static readonly Rx Integer = Rx.Seq(Rx.Optional(Rx.Literal("-")), UnsignedInteger);

    public static readonly Rx Number = Rx.Seq(Integer,
        Rx.Optional(Rx.Seq(Rx.Literal("."), Rx.Repeat(Digit, 1, 10))),
        Rx.Optional(Rx.Seq(RxSet.Of((byte)'e', (byte)'E'), Rx.Optional(RxSet.Of((byte)'+', (byte)'-')), Rx.Repeat(Digit, 1, 3))));

    public static Rx String(int minLength = 0, int? maxLength = null) =>
        Rx.Seq(Rx.Literal("\""), Rx.Repeat(StringChar, minLength, maxLength), Rx.Literal("\""));

    // Free-form JSON (json_object mode, untyped schemas) is bounded so that sampling always reaches the end:
    // strings of at most 16 characters, containers of at most 4 members.
    private const int FreeStringLength = 16;
    private const int FreeMembers = 4;

    private static readonly Rx Scalar = Rx.Alt(String(0, FreeStringLength), Number, Rx.Literal("true"), Rx.Literal("false"), Rx.Literal("null"));

    /// <summary>Any JSON value nested at most <paramref name="depth"/> containers deep.</summary>
    public static Rx AnyValue(int depth) => depth <= 0 ? Scalar : Rx.Alt(Scalar, AnyArray(depth), AnyObject(depth));

    public static Rx AnyObject(int depth)
    {
        var member = Rx.Seq(String(1, FreeStringLength), Rx.Literal(":"), AnyValue(depth - 1));
        return Rx.Seq(Rx.Literal("{"), Rx.Optional(Rx.Seq(member, Rx.Repeat(Rx.Seq(Rx.Literal(","), member), 0, FreeMembers - 1))), Rx.Literal("}"));
    }

    private static Rx AnyArray(int depth)
    {
        var item = AnyValue(depth - 1);
        return Rx.Seq(Rx.Literal("["), Rx.Optional(Rx.Seq(item, Rx.Repeat(Rx.Seq(Rx.Literal(","), item), 0, FreeMembers - 1))), Rx.Literal("]"));
    }
}
