using System.Text.Json;

namespace LlmServe.Worker.Tokenization;

/// <summary>The worker's <see cref="BertTokenizerFactory"/>: WordPiece from a BERT checkpoint's folder.</summary>
internal static class BertTokenizers
{
    /// <summary>tokenizer.json when the folder has one, else vocab.txt (lower-casing as tokenizer_config.json says); null when neither.</summary>
    public static ITokenizer? Create(string modelFolder)
    {
        var json = Path.Combine(modelFolder, "tokenizer.json");
        var config = Path.Combine(modelFolder, "tokenizer_config.json");
        if (File.Exists(json))
        {
            return HfTokenizerLoader.Load(json, File.Exists(config) ? config : null);
        }
        var vocab = Path.Combine(modelFolder, "vocab.txt");
        return File.Exists(vocab) ? WordPieceTokenizer.FromVocab(File.ReadLines(vocab), LowerCase(config)) : null;
    }

    private static bool LowerCase(string tokenizerConfig)
    {
        if (!File.Exists(tokenizerConfig))
        {
            return true;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(tokenizerConfig));
        return !doc.RootElement.TryGetProperty("do_lower_case", out var lower) || lower.ValueKind != JsonValueKind.False;
    }
}
