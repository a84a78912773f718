using LlmServe.Conversion.Gguf;
using LlmServe.Checkpoints;
using LlmServe.Checkpoints.Gguf;
using LlmServe.Checkpoints.Random;
using LlmServe.Checkpoints.Vocab;
using LlmServe.Worker.Model.Gguf;

namespace LlmServe.Worker.Tests.Checkpoints;

/// <summary>Files from <see cref="GgufCheckpointWriter"/> read back with the Worker's own GGUF reader.</summary>
public sealed class GgufCheckpointWriterTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"writer-{Guid.NewGuid():N}.gguf");

    [Fact]
    public void Write_Qwen3Bf16_HasConverterKeysShapesAndTypes()
    {
        var spec = new RandomCheckpointSpec { Architecture = CheckpointArchitecture.Qwen3, HiddenSize = 64, Heads = 4, KvHeads = 2, HeadDim = 24, DType = CheckpointDType.BF16 };
        GgufCheckpointWriter.Write(spec, _path, Vocabulary.Synthetic(512));

        using var file = GgufFile.Open(_path);

        Assert.Equal(3u, file.Version);
        Assert.Equal("qwen3", file.Get("general.architecture", ""));
        Assert.Equal(24, file.Get("qwen3.attention.key_length", 0));
        Assert.Equal(2, file.Get("qwen3.attention.head_count_kv", 0));
        Assert.Equal(1e6f, file.Get("qwen3.rope.freq_base", 0f));
        Assert.True(file.TryGet<string[]>("tokenizer.ggml.tokens", out var tokens));
        Assert.Equal(512, tokens.Length);
        Assert.Equal([96L, 64L], file.Tensors["blk.0.attn_q.weight"].TorchShape);
        Assert.Equal(GgmlType.BF16, file.Tensors["blk.0.attn_q.weight"].Type);
        Assert.Equal(GgmlType.F32, file.Tensors["blk.0.attn_q_norm.weight"].Type);   // 1-D tensors stay F32
        Assert.False(file.Tensors.ContainsKey("output.weight"));                     // tied
        Assert.All(file.Tensors.Values, t => Assert.Equal(0, t.Offset % 32));
    }

    [Fact]
    public void Write_Llama_PermutesQkRowsButNothingElse()
    {
        var spec = new RandomCheckpointSpec { Architecture = CheckpointArchitecture.Llama, Layers = 1 };
        GgufCheckpointWriter.Write(spec, _path, Vocabulary.Synthetic(512));
        using var file = GgufFile.Open(_path);
        var plan = RandomCheckpoint.Plan(spec).ToDictionary(t => t.GgufName);

        var k = Read(file, "blk.0.attn_k.weight");
        var hfK = RandomCheckpoint.Values(spec, plan["blk.0.attn_k.weight"]);

        Assert.Equal(QkPermutation.ToGguf(hfK, spec.KvHeads, spec.HiddenSize), k);
        Assert.NotEqual(hfK, k);
        Assert.Equal(RandomCheckpoint.Values(spec, plan["blk.0.attn_v.weight"]), Read(file, "blk.0.attn_v.weight"));
        Assert.Equal(RandomCheckpoint.Values(spec, plan["output.weight"]), Read(file, "output.weight"));
    }

    [Fact]
    public void Write_Llama3_StoresRopeFactorsAsF32()
    {
        var spec = new RandomCheckpointSpec { Architecture = CheckpointArchitecture.Llama3, Layers = 1 };
        GgufCheckpointWriter.Write(spec, _path, Vocabulary.Synthetic(512));
        using var file = GgufFile.Open(_path);

        Assert.Equal(GgmlType.F32, file.Tensors["rope_freqs.weight"].Type);
        Assert.Equal(spec.Llama3Scaling.GgufRopeFactors(500000, spec.EffectiveHeadDim), Read(file, "rope_freqs.weight"));
    }

    [Fact]
    public void Write_VocabularyOfWrongSize_Throws() =>
        Assert.Throws<ArgumentException>(() => GgufCheckpointWriter.Write(new RandomCheckpointSpec(), _path, Vocabulary.Synthetic(600)));

    private static float[] Read(GgufFile file, string name)
    {
        var info = file.Tensors[name];
        var bytes = new byte[info.ByteSize];
        file.ReadBytes(info, bytes);
        Assert.Equal(GgmlType.F32, info.Type);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    public void Dispose() => File.Delete(_path);
}
