namespace LlmServe.Worker.Engine;

/// <summary>
/// Applies stop strings to streamed text: text that could still be the start of a stop string is held back, and
/// a stop string ends the output just before it, or just after it with <paramref name="includeStop"/> (vLLM's
/// include_stop_str_in_output).
/// </summary>
internal sealed class StopStringMatcher(IReadOnlyList<string> stops, bool includeStop = false)
{
    private string _held = string.Empty;

    /// <summary>Adds new text; returns what can be emitted now and whether a stop string was found.</summary>
    public (string Emit, bool Stopped) Push(string text)
    {
        if (stops.Count == 0)
        {
            return (text, false);
        }
        _held += text;
        var earliest = -1;
        var end = -1;
        foreach (var stop in stops)
        {
            var at = _held.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (earliest < 0 || at < earliest))
            {
                earliest = at;
                end = at + stop.Length;
            }
        }
        if (earliest >= 0)
        {
            var emit = _held[..(includeStop ? end : earliest)];
            _held = string.Empty;
            return (emit, true);
        }
        var keep = LongestSuffixThatPrefixesAStop();
        var ready = _held[..(_held.Length - keep)];
        _held = _held[(_held.Length - keep)..];
        return (ready, false);
    }

    /// <summary>Text still held back when the generation ends for another reason.</summary>
    public string Flush()
    {
        var rest = _held;
        _held = string.Empty;
        return rest;
    }

    private int LongestSuffixThatPrefixesAStop() => stops.Max(stop => PartialMatch.SuffixStartingMarker(_held, stop));
}
