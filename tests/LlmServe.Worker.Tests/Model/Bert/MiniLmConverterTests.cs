using System.Text.Json;
using LlmServe.Conversion.MiniLm;

namespace LlmServe.Worker.Tests.Model.Bert;

public sealed class MiniLmConverterTests(MiniLmFixture minilm)
{
    [Fact]
    public void Convert_CompleteFolder_SkipsTheWork()
    {
        Assert.True(MiniLmConverter.IsComplete(minilm.Folder));

        Assert.False(MiniLmConverter.Convert(minilm.Folder));
    }

    [Fact]
    public void Convert_WritesSentenceTransformersLayout()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(minilm.Folder, "config.json")));
        var c = config.RootElement;
        Assert.Equal("bert", c.GetProperty("model_type").GetString());
        Assert.Equal((30522, 384, 6, 12, 1536, 512), (c.GetProperty("vocab_size").GetInt32(), c.GetProperty("hidden_size").GetInt32(),
            c.GetProperty("num_hidden_layers").GetInt32(), c.GetProperty("num_attention_heads").GetInt32(),
            c.GetProperty("intermediate_size").GetInt32(), c.GetProperty("max_position_embeddings").GetInt32()));
        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(minilm.Folder, "tokenizer_config.json")));
        Assert.True(tokenizer.RootElement.GetProperty("do_lower_case").GetBoolean());
        Assert.Equal(30522, File.ReadLines(Path.Combine(minilm.Folder, "vocab.txt")).Count());
        using var pooling = JsonDocument.Parse(File.ReadAllText(Path.Combine(minilm.Folder, "1_Pooling", "config.json")));
        Assert.True(pooling.RootElement.GetProperty("pooling_mode_mean_tokens").GetBoolean());
        Assert.Contains("sentence_transformers.models.Normalize", File.ReadAllText(Path.Combine(minilm.Folder, "modules.json")));
    }

    [Fact]
    public void Convert_IncompleteFolder_WritesItAgainWithoutLeftovers()
    {
        var folder = Directory.CreateTempSubdirectory("llmserve-minilm-partial-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "config.json"), "{}");

            Assert.True(MiniLmConverter.Convert(folder));

            Assert.True(MiniLmConverter.IsComplete(folder));
            Assert.Equal(File.ReadAllBytes(Path.Combine(minilm.Folder, "model.safetensors")), File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
            Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
