using LlmServe.Conversion.Gguf;
using LlmServe.TestUtilities;
using LlmServe.Worker.Model.Gguf;

namespace LlmServe.Worker.Tests.Model.Gguf;

public sealed class GgufFileTests
{
    [Fact]
    public void Open_Stories260K_ReadsMetadataAndTensorDirectory()
    {
        using var file = GgufFile.Open(TestModels.Stories260K);

        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.Get("general.architecture", ""));
        Assert.Equal(64, file.Get("llama.embedding_length", 0));
        Assert.Equal(5, file.Get("llama.block_count", 0));
        Assert.Equal(4, file.Get("llama.attention.head_count_kv", 0));
        Assert.Equal(48, file.Tensors.Count);
        var q = file.Tensors["blk.0.attn_q.weight"];
        Assert.Equal(GgmlType.F32, q.Type);
        Assert.Equal([64L, 64L], q.TorchShape);
        Assert.Equal([512L, 64L], file.Tensors["token_embd.weight"].TorchShape);
        Assert.True(file.TryGet<string[]>("tokenizer.ggml.tokens", out var tokens));
        Assert.Equal(512, tokens.Length);
    }

    [Fact]
    public void Open_TruncatedFile_FailsNamingFileAndTensor()
    {
        var bytes = File.ReadAllBytes(TestModels.Stories260K);
        var path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 1000)]);
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => GgufFile.Open(path));
            Assert.Contains(path, ex.Message);
            Assert.Contains("truncated", ex.Message);
            Assert.Contains("tensor '", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Open_NotGguf_FailsWithBadMagic()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-gguf-{Guid.NewGuid():N}.gguf");
        File.WriteAllText(path, "this is certainly not a model file");
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => GgufFile.Open(path));
            Assert.Contains("bad magic", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
