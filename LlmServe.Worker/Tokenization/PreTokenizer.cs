namespace LlmServe.Worker.Tokenization;

/// <summary>
/// Cuts normalized text into the words BPE merges within: each step refines every piece the previous step made
/// (a Hugging Face pre-tokenizer <c>Sequence</c>). No steps means the whole text is one word.
/// </summary>
internal sealed class PreTokenizer(IReadOnlyList<Func<string, IEnumerable<string>>> steps)
{
    public static readonly PreTokenizer None = new([]);

    public IReadOnlyList<Func<string, IEnumerable<string>>> Steps { get; } = steps;

    public IEnumerable<string> Run(string text)
    {
        IEnumerable<string> pieces = [text];
        foreach (var step in Steps)
        {
            pieces = pieces.SelectMany(step).ToList();
        }
        return pieces;
    }

    /// <summary>Hugging Face ByteLevel(add_prefix_space=true): a piece not starting with a space gets one.</summary>
    public static IEnumerable<string> PrefixSpace(string piece) => [piece.StartsWith(' ') ? piece : " " + piece];
}
