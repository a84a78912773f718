namespace LlmServe.Worker.Tokenization;

/// <summary>A model's tokenizer: text to ids and ids to the raw bytes they stand for.</summary>
internal interface ITokenizer
{
    int VocabSize { get; }
    int? BosId { get; }
    int? EosId { get; }

    /// <summary>Whether the model expects BOS in front of every prompt.</summary>
    bool AddBos { get; }

    /// <summary>Encodes text; with <paramref name="addSpecial"/>, prepends BOS when the model wants it.</summary>
    IReadOnlyList<int> Encode(string text, bool addSpecial);

    /// <summary>The UTF-8 bytes a token contributes to the output (empty for control tokens).</summary>
    ReadOnlySpan<byte> TokenBytes(int id);

    /// <summary>Whether the token is a control token (BOS, EOS, chat markers).</summary>
    bool IsControl(int id);

    /// <summary>
    /// A control token's own text (what <c>skip_special_tokens: false</c> renders); null for other tokens, and for
    /// every token of a tokenizer that does not keep that text.
    /// </summary>
    string? SpecialText(int id) => null;

    /// <summary>
    /// Whether a whole-text decode drops one leading space: SentencePiece's dummy prefix, which Hugging Face's Strip
    /// or Metaspace decoder removes so that a decoded prompt reads as it was written. Generated text keeps it: there
    /// the space continues the prompt.
    /// </summary>
    bool DecodeDropsLeadingSpace => false;
}
