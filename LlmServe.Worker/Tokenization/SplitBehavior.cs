namespace LlmServe.Worker.Tokenization;

/// <summary>What a pre-tokenizer split does with the matched text (Hugging Face <c>SplitDelimiterBehavior</c>).</summary>
internal enum SplitBehavior
{
    /// <summary>Matches and the text between them each become a piece.</summary>
    Isolated,

    /// <summary>Matches are dropped.</summary>
    Removed,

    /// <summary>A match is glued to the end of the piece before it.</summary>
    MergedWithPrevious,

    /// <summary>A match is glued to the start of the piece after it.</summary>
    MergedWithNext,

    /// <summary>Adjacent matches form one piece.</summary>
    Contiguous,
}
