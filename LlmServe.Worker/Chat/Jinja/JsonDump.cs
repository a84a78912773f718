using System.Globalization;
using System.Text;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// Python's <c>json.dumps</c>, which backs Hugging Face's <c>tojson</c> filter (with <c>ensure_ascii=False</c>).
/// </summary>
/// <remarks>
/// Separators default to <c>", "</c> and <c>": "</c>, or <c>","</c> and <c>": "</c> when indenting; keys keep
/// insertion order unless sorted; only <c>"</c>, <c>\</c> and control characters are escaped, so
/// <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, <c>'</c> and non-ASCII text come out as they are.
/// </remarks>
internal sealed class JsonDump(string? indent, string itemSeparator, string keySeparator, bool sortKeys, bool ensureAscii)
{
    public static string Serialize(object? value, string? indent = null, string? itemSeparator = null,
        string? keySeparator = null, bool sortKeys = false, bool ensureAscii = false)
    {
        var dump = new JsonDump(indent, itemSeparator ?? (indent is null ? ", " : ","), keySeparator ?? ": ", sortKeys, ensureAscii);
        var sb = new StringBuilder();
        dump.Write(sb, value, 0);
        return sb.ToString();
    }

    private void Write(StringBuilder sb, object? value, int depth)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(PyFormat.Float(d, json: true)); break;
            case string s: WriteString(sb, s); break;
            case List<object?> or object?[]:
                WriteContainer(sb, '[', ']', (IReadOnlyList<object?>)value, depth, (item, d) => Write(sb, item, d));
                break;
            case JinjaDict dict:
                var entries = dict.ToList();
                if (sortKeys)
                {
                    entries.Sort((x, y) => Values.Compare(x.Key, y.Key));
                }
                WriteContainer(sb, '{', '}', entries, depth, (kv, d) =>
                {
                    WriteString(sb, KeyText(kv.Key));
                    sb.Append(keySeparator);
                    Write(sb, kv.Value, d);
                });
                break;
            default:
                throw new ChatTemplateException($"Object of type {Values.TypeName(value)} is not JSON serializable");
        }
    }

    private void WriteContainer<T>(StringBuilder sb, char open, char close, IReadOnlyList<T> items, int depth, Action<T, int> writeItem)
    {
        sb.Append(open);
        if (items.Count == 0)
        {
            sb.Append(close);
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(itemSeparator);
            }
            NewLine(sb, depth + 1);
            writeItem(items[i], depth + 1);
        }
        NewLine(sb, depth);
        sb.Append(close);
    }

    private void NewLine(StringBuilder sb, int depth)
    {
        if (indent is not null)
        {
            sb.Append('\n');
            for (var i = 0; i < depth; i++)
            {
                sb.Append(indent);
            }
        }
    }

    private static string KeyText(object key) => key switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => PyFormat.Float(d, json: true),
        _ => throw new ChatTemplateException($"keys must be str, int, float, bool or None, not {Values.TypeName(key)}"),
    };

    private void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                case > '~' when ensureAscii: sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
