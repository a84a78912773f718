namespace LlmServe.Worker.Tokenization;

/// <summary>Reads a Hugging Face tokenizer.json (+ tokenizer_config.json) into an <see cref="ITokenizer"/>.</summary>
internal static class HfTokenizerLoader
{
    public static ITokenizer Load(string tokenizerJsonPath, string? tokenizerConfigPath) =>
        throw new NotSupportedException($"'{tokenizerJsonPath}': tokenizer.json files are not supported by this build yet.");
}
