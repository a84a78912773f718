using System.Globalization;
using System.Text;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>Decodes the body of a quoted template string the way Python's <c>unicode-escape</c> codec does.</summary>
internal static class StringLiteral
{
    public static string Decode(string raw, int line)
    {
        if (!raw.Contains('\\'))
        {
            return raw;
        }
        var sb = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\' || i + 1 >= raw.Length)
            {
                sb.Append(raw[i]);
                continue;
            }
            var c = raw[++i];
            switch (c)
            {
                case '\n': break;
                case '\\' or '\'' or '"': sb.Append(c); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': i = AppendHex(sb, raw, i, 2, line); break;
                case 'u': i = AppendHex(sb, raw, i, 4, line); break;
                case 'U': i = AppendHex(sb, raw, i, 8, line); break;
                case >= '0' and <= '7':
                    var end = i;
                    while (end < raw.Length && end - i < 3 && raw[end] is >= '0' and <= '7')
                    {
                        end++;
                    }
                    sb.Append((char)Convert.ToInt32(raw[i..end], 8));
                    i = end - 1;
                    break;
                case 'N':
                    throw new ChatTemplateException("'\\N{...}' escapes are not supported", line);
                default:
                    // NOTE: Python keeps unknown escapes such as "\d" as they are.
                    sb.Append('\\').Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    private static int AppendHex(StringBuilder sb, string raw, int at, int digits, int line)
    {
        if (at + digits >= raw.Length
            || !int.TryParse(raw.AsSpan(at + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || !Rune.IsValid(code))
        {
            throw new ChatTemplateException($"truncated or invalid '\\{raw[at]}' escape in a string literal", line);
        }
        sb.Append(char.ConvertFromUtf32(code));
        return at + digits;
    }
}
