namespace LlmServe.Worker.Chat.Reasoning;

/// <summary>
/// Splits one streamed choice into reasoning and content deltas that reassemble to <see cref="ReasoningParser.Split"/>
/// of the whole output. Text that may still turn out to be part of a tag (a prefix of the start tag at the very
/// beginning, a prefix of the end tag at the end of a thought) is held until the next piece decides it. Each piece is
/// looked at once, with at most a tag's length held over, so long thoughts stream in linear time.
/// </summary>
internal sealed class ReasoningStreamer(ReasoningParser parser)
{
    private enum Phase
    {
        Opening,    // nothing decided yet: the output may begin with the start tag
        Thinking,
        Answering,
    }

    private Phase _phase = Phase.Opening;
    private string _held = "";

    /// <summary>Adds generated text; returns what can be sent now of each part (possibly empty).</summary>
    /// <param name="final">The output ended with this piece: nothing is held back any more.</param>
    public (string Reasoning, string Content) Push(string text, bool final)
    {
        var pending = _held + text;
        _held = "";
        if (_phase == Phase.Opening)
        {
            if (pending.StartsWith(parser.Start, StringComparison.Ordinal))
            {
                pending = pending[parser.Start.Length..];
                _phase = Phase.Thinking;
            }
            else if (!final && parser.Start.StartsWith(pending, StringComparison.Ordinal))
            {
                _held = pending;   // could still become the start tag
                return ("", "");
            }
            else
            {
                _phase = parser.ThinksWithoutStart ? Phase.Thinking : Phase.Answering;
            }
        }
        if (_phase == Phase.Answering)
        {
            return ("", pending);
        }
        var end = pending.IndexOf(parser.End, StringComparison.Ordinal);
        if (end >= 0)
        {
            _phase = Phase.Answering;
            return (pending[..end], pending[(end + parser.End.Length)..]);
        }
        var keep = final ? 0 : Engine.PartialMatch.SuffixStartingMarker(pending, parser.End);
        _held = pending[^keep..];
        return (pending[..^keep], "");
    }
}
