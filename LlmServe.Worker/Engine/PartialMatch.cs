namespace LlmServe.Worker.Engine;

/// <summary>Text held back in a stream because the next piece may complete a marker (a stop string, a tag).</summary>
internal static class PartialMatch
{
    /// <summary>
    /// Length of the longest proper suffix of <paramref name="text"/> that begins <paramref name="marker"/> (0 when
    /// none): those characters may still turn out to be the marker.
    /// </summary>
    public static int SuffixStartingMarker(ReadOnlySpan<char> text, string marker)
    {
        for (var length = Math.Min(marker.Length - 1, text.Length); length > 0; length--)
        {
            if (marker.AsSpan().StartsWith(text[^length..]))
            {
                return length;
            }
        }
        return 0;
    }
}
