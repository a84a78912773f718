using System.Text;

namespace LlmServe.Worker.Chat.Reasoning;

/// <summary>
/// Splits one streamed choice into reasoning and content deltas that reassemble to <see cref="ReasoningParser.Split"/>
/// of the whole output. Text that may still turn out to be part of a tag (a prefix of the start tag at the very
/// beginning, a prefix of the end tag at the end of a thought) is held until the next piece decides it.
/// </summary>
internal sealed class ReasoningStreamer(ReasoningParser parser)
{
    private readonly StringBuilder _text = new();
    private int _reasoningSent;
    private int _contentSent;

    /// <summary>Adds generated text; returns what can be sent now of each part (possibly empty).</summary>
    /// <param name="final">The output ended with this piece: nothing is held back any more.</param>
    public (string Reasoning, string Content) Push(string text, bool final)
    {
        _text.Append(text);
        var all = _text.ToString();
        var decided = final ? all : all[..(all.Length - Undecided(all))];
        var (reasoning, content) = parser.Split(decided);
        return (Take(reasoning, ref _reasoningSent), Take(content, ref _contentSent));
    }

    /// <summary>Characters at the end of <paramref name="all"/> that the next piece could still make part of a tag.</summary>
    private int Undecided(string all)
    {
        if (parser.Start.StartsWith(all, StringComparison.Ordinal))
        {
            return all.Length;   // could still become the start tag (or be the beginning of plain text)
        }
        var (_, content) = parser.Split(all);
        var thinking = content is null && (all.StartsWith(parser.Start, StringComparison.Ordinal) || parser.ThinksWithoutStart);
        if (!thinking)
        {
            return 0;
        }
        for (var n = Math.Min(parser.End.Length - 1, all.Length); n > 0; n--)
        {
            if (parser.End.StartsWith(all[^n..], StringComparison.Ordinal))
            {
                return n;
            }
        }
        return 0;
    }

    private static string Take(string? part, ref int sent)
    {
        if (part is null || part.Length <= sent)
        {
            return "";
        }
        var piece = part[sent..];
        sent = part.Length;
        return piece;
    }
}
