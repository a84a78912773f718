using System.Text;

namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>
/// A regular expression over bytes, built programmatically (from a JSON schema, a choice list) or parsed from
/// regex text. Working on UTF-8 bytes lets byte-level tokens that carry half a character be checked exactly.
/// </summary>
internal abstract record Rx
{
    public static Rx Literal(string text) => new RxSeq(Encoding.UTF8.GetBytes(text).Select(b => (Rx)RxSet.Of(b)).ToList());

    public static Rx Seq(params Rx[] parts) => new RxSeq(parts);

    public static Rx Alt(params Rx[] options) => options.Length == 1 ? options[0] : new RxAlt(options);

    public static Rx Star(Rx inner) => new RxRepeat(inner, 0, null);

    public static Rx Plus(Rx inner) => new RxRepeat(inner, 1, null);

    public static Rx Optional(Rx inner) => new RxRepeat(inner, 0, 1);

    public static Rx Repeat(Rx inner, int min, int? max) => new RxRepeat(inner, min, max);
}

internal sealed record RxSeq(IReadOnlyList<Rx> Parts) : Rx;

internal sealed record RxAlt(IReadOnlyList<Rx> Options) : Rx;

/// <summary><paramref name="Inner"/> between <paramref name="Min"/> and <paramref name="Max"/> times (null: unbounded).</summary>
internal sealed record RxRepeat(Rx Inner, int Min, int? Max) : Rx;

/// <summary>One byte out of a set.</summary>
internal sealed record RxSet(bool[] Bytes) : Rx
{
    public static RxSet Of(params byte[] bytes)
    {
        var set = new bool[256];
        foreach (var b in bytes)
        {
            set[b] = true;
        }
        return new RxSet(set);
    }

    public static RxSet Range(byte from, byte to)
    {
        var set = new bool[256];
        for (var b = from; b <= to; b++)
        {
            set[b] = true;
        }
        return new RxSet(set);
    }

    public static RxSet Where(Func<int, bool> predicate)
    {
        var set = new bool[256];
        for (var b = 0; b < 256; b++)
        {
            set[b] = predicate(b);
        }
        return new RxSet(set);
    }
}
