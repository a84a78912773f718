using System.Globalization;
using System.Text;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>Python's <c>str()</c> and <c>repr()</c> of template values, which is what <c>{{ value }}</c> prints.</summary>
internal static class PyFormat
{
    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    public static string Repr(object? value) => value switch
    {
        null => "None",
        Undefined => "Undefined",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        string s => StringRepr(s),
        List<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        object?[] { Length: 1 } tuple => "(" + Repr(tuple[0]) + ",)",
        object?[] tuple => "(" + string.Join(", ", tuple.Select(Repr)) + ")",
        JinjaDict dict => "{" + string.Join(", ", dict.Select(kv => Repr(kv.Key) + ": " + Repr(kv.Value))) + "}",
        Namespace ns => "<Namespace {" + string.Join(", ", ns.Attributes.Select(kv => StringRepr(kv.Key) + ": " + Repr(kv.Value))) + "}>",
        _ => value.ToString() ?? "",
    };

    /// <summary>Python's shortest round-trip float repr: "1.0", "0.1", "1e+16", "1e-05", "nan", "inf".</summary>
    public static string Float(double d, bool json = false)
    {
        if (double.IsNaN(d))
        {
            return json ? "NaN" : "nan";
        }
        if (double.IsInfinity(d))
        {
            return (d < 0 ? "-" : "") + (json ? "Infinity" : "inf");
        }
        // "E16" is not the shortest form; "R" is, so take its digits and exponent and lay them out as Python does.
        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var ePos = r.IndexOf('E');
        var exponent = ePos >= 0 ? int.Parse(r.AsSpan(ePos + 1), CultureInfo.InvariantCulture) : 0;
        var mantissa = ePos >= 0 ? r[..ePos] : r;
        var dot = mantissa.IndexOf('.');
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var digits = (intPart + (dot >= 0 ? mantissa[(dot + 1)..] : "")).TrimStart('0');
        var pointPos = intPart.TrimStart('0').Length + exponent;
        if (intPart.TrimStart('0').Length == 0)
        {
            var frac = dot >= 0 ? mantissa[(dot + 1)..] : "";
            pointPos = exponent - (frac.Length - frac.TrimStart('0').Length);
        }
        digits = digits.TrimEnd('0');
        var sign = d < 0 || (d == 0 && double.IsNegative(d)) ? "-" : "";
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }
        var sci = pointPos - 1;
        if (sci < -4 || sci >= 16)
        {
            var m = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            return sign + m + "e" + (sci < 0 ? "-" : "+") + Math.Abs(sci).ToString("00", CultureInfo.InvariantCulture);
        }
        if (pointPos <= 0)
        {
            return sign + "0." + new string('0', -pointPos) + digits;
        }
        if (pointPos >= digits.Length)
        {
            return sign + digits + new string('0', pointPos - digits.Length) + ".0";
        }
        return sign + digits[..pointPos] + "." + digits[pointPos..];
    }

    /// <summary>Python's <c>repr(str)</c>: single quotes unless the text has a single quote and no double quote.</summary>
    public static string StringRepr(string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            switch (v)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case var _ when v == quote: sb.Append('\\').Append(quote); break;
                case < 0x20 or 0x7f: sb.Append(CultureInfo.InvariantCulture, $"\\x{v:x2}"); break;
                case var _ when v > 0x7f && !IsPrintable(rune):
                    sb.Append(v switch
                    {
                        <= 0xff => $"\\x{v:x2}",
                        <= 0xffff => $"\\u{v:x4}",
                        _ => $"\\U{v:x8}",
                    });
                    break;
                default: sb.Append(rune.ToString()); break;
            }
        }
        return sb.Append(quote).ToString();
    }

    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
