using System.Text.Json;
using LlmServe.Worker.Chat;
using LlmServe.Worker.Model.Llama;
using LlmServe.Worker.Tokenization;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>
/// Builds a <see cref="LoadedModel"/> from a Hugging Face folder: config.json, safetensors weights (single or
/// sharded), tokenizer.json + tokenizer_config.json (special tokens, chat template) and generation_config.json.
/// </summary>
internal static class HfModelLoader
{
    public static LoadedModel Load(string folder, ScalarType dtype, int tensorParallelSize = 1, IProgress<LayerProgress>? progress = null,
        int maxModelLen = 0)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"'{folder}' has no config.json.", configPath);
        }
        var config = HfConfigReader.Read(configPath).ForServedContext(maxModelLen);
        var tokenizerJson = Path.Combine(folder, "tokenizer.json");
        var tokenizerConfig = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(tokenizerJson))
        {
            throw new FileNotFoundException($"'{folder}' has no tokenizer.json.", tokenizerJson);
        }
        var tokenizer = HfTokenizerLoader.Load(tokenizerJson, File.Exists(tokenizerConfig) ? tokenizerConfig : null);
        using var weights = new HfWeightSource(folder, config.Architecture);
        var network = new LlamaModel(config, weights, dtype, tensorParallelSize, progress);
        var template = ChatTemplateLoader.Parse(ReadChatTemplate(tokenizerConfig), $"'{tokenizerConfig}' (chat_template)");
        return new LoadedModel(network, tokenizer, template, config.MaxPositionEmbeddings,
            ReadEosIds(Path.Combine(folder, "generation_config.json"), tokenizer),
            ReadSpecialToken(tokenizerConfig, "bos_token"), ReadSpecialToken(tokenizerConfig, "eos_token"));
    }

    /// <summary>tokenizer_config.json's chat_template: a string, or a list of named templates ("default" wins).</summary>
    internal static string? ReadChatTemplate(string tokenizerConfig)
    {
        if (!File.Exists(tokenizerConfig))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(tokenizerConfig));
        if (!doc.RootElement.TryGetProperty("chat_template", out var t))
        {
            return null;
        }
        return t.ValueKind switch
        {
            JsonValueKind.String => t.GetString(),
            JsonValueKind.Array => t.EnumerateArray()
                .Where(e => e.TryGetProperty("name", out var n) && n.GetString() == "default")
                .Select(e => e.GetProperty("template").GetString()).FirstOrDefault(),
            _ => null,
        };
    }

    /// <summary>A special token's text from tokenizer_config.json: a string or an AddedToken object with "content".</summary>
    internal static string? ReadSpecialToken(string tokenizerConfig, string name)
    {
        if (!File.Exists(tokenizerConfig))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(tokenizerConfig));
        if (!doc.RootElement.TryGetProperty(name, out var token))
        {
            return null;
        }
        return token.ValueKind switch
        {
            JsonValueKind.String => token.GetString(),
            JsonValueKind.Object when token.TryGetProperty("content", out var c) => c.GetString(),
            _ => null,
        };
    }

    /// <summary>generation_config.json's eos_token_id (an id or a list: Llama 3 stops on several), else the tokenizer's.</summary>
    internal static IReadOnlyList<int> ReadEosIds(string generationConfig, ITokenizer tokenizer)
    {
        if (File.Exists(generationConfig))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(generationConfig));
            if (doc.RootElement.TryGetProperty("eos_token_id", out var eos))
            {
                if (eos.ValueKind == JsonValueKind.Number)
                {
                    return [eos.GetInt32()];
                }
                if (eos.ValueKind == JsonValueKind.Array)
                {
                    return eos.EnumerateArray().Select(e => e.GetInt32()).ToList();
                }
            }
        }
        return tokenizer.EosId is int id ? [id] : [];
    }
}
