namespace LlmServe.Worker.Tokenization;

/// <summary>The worker's <see cref="BertTokenizerFactory"/>.</summary>
internal static class BertTokenizers
{
    /// <summary>
    /// MERGE POINT: the one place the worker creates a WordPiece tokenizer. The worker's own
    /// <c>WordPieceTokenizer : ITokenizer</c> is being written on another branch; when it lands this becomes
    /// <c>WordPieceTokenizer.Load(modelFolder)</c> (or whatever its factory is named). Until then BERT models take
    /// token ids only, and the tests inject a reference tokenizer through <see cref="BertTokenizerFactory"/>.
    /// </summary>
    public static ITokenizer? Create(string modelFolder) => null;
}
