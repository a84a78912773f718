using System.Text;

namespace LlmServe.Worker.Chat.ToolCalling;

/// <summary>
/// Splits one streamed choice into content deltas and tool calls. Text that cannot be the start of a call streams
/// as content at once; from the point where a call may begin, text is held until the output ends and is then
/// parsed exactly as the non-streamed response parses it, so the deltas always reassemble to that response and a
/// client never receives a call that turns out not to parse.
/// </summary>
internal sealed class ToolCallStreamer(ToolCallFormat format, IReadOnlyCollection<string> names, bool parallel)
{
    private readonly StringBuilder _text = new();
    private int _emitted;
    private bool _holding;

    /// <summary>Adds generated text; returns the content that can be sent now (possibly empty).</summary>
    public string Push(string text)
    {
        _text.Append(text);
        if (_holding)
        {
            return "";
        }
        var all = _text.ToString();
        var start = ToolCallParser.CallsStart(format, all);
        _holding = start >= 0;
        var end = _holding ? start : ToolCallParser.PendingStart(format, all) is var pending and >= 0 ? pending : all.Length;
        // Trailing whitespace waits too: if a call follows, it is not content (the parser trims it).
        var safe = all[..end].TrimEnd().Length;
        return Take(all, safe);
    }

    /// <summary>The output ended: the rest of the content and the tool calls it holds.</summary>
    public ParsedOutput Finish()
    {
        var all = _text.ToString();
        var parsed = ToolCallParser.Parse(format, all, names, parallel);
        var content = parsed.Content ?? "";
        var rest = content.Length > _emitted ? content[_emitted..] : "";
        return new ParsedOutput(rest, parsed.Calls);
    }

    private string Take(string all, int end)
    {
        if (end <= _emitted)
        {
            return "";
        }
        var piece = all[_emitted..end];
        _emitted = end;
        return piece;
    }
}
