using System.Globalization;
using System.Text;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>Python's <c>datetime.strftime</c> in the C locale, for <c>strftime_now</c> (Llama 3.2 writes "%d %b %Y").</summary>
internal static class Strftime
{
    public static string Format(DateTimeOffset time, string format)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var code = format[++i];
            var unpadded = code == '-' && i + 1 < format.Length;
            if (unpadded)
            {
                code = format[++i];
            }
            var text = code switch
            {
                'a' => time.ToString("ddd", c),
                'A' => time.ToString("dddd", c),
                'b' or 'h' => time.ToString("MMM", c),
                'B' => time.ToString("MMMM", c),
                'd' => time.ToString("dd", c),
                'e' => time.Day.ToString(c).PadLeft(2),
                'm' => time.ToString("MM", c),
                'y' => time.ToString("yy", c),
                'Y' => time.Year.ToString(c),
                'H' => time.ToString("HH", c),
                'I' => time.ToString("hh", c),
                'M' => time.ToString("mm", c),
                'S' => time.ToString("ss", c),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'j' => time.DayOfYear.ToString("000", c),
                'f' => (time.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", c),
                'z' => time.ToString("zzz", c).Replace(":", "", StringComparison.Ordinal),
                '%' => "%",
                _ => throw new ChatTemplateException($"strftime_now(): the directive '%{code}' is not supported"),
            };
            sb.Append(unpadded ? text.TrimStart('0', ' ').PadLeft(1, '0') : text);
        }
        return sb.ToString();
    }
}
