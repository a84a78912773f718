namespace LlmServe.Worker.Tokenization;

/// <summary>Token types as GGUF and SentencePiece number them.</summary>
internal enum TokenKind
{
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
