using System.Text.Json;
using System.Text.Json.Nodes;
using LlmServe.Checkpoints;
using LlmServe.Checkpoints.HuggingFace;
using LlmServe.Checkpoints.Random;
using LlmServe.Checkpoints.Vocab;
using LlmServe.TestUtilities;

namespace LlmServe.Worker.Tests.Checkpoints;

/// <summary>Folders from <see cref="HfCheckpointWriter"/>: config keys, safetensors layout and sharding.</summary>
public sealed class HfCheckpointWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("writer-hf-").FullName;

    [Fact]
    public void Write_BelowShardSize_OneSafetensorsFileWithEveryTensor()
    {
        var spec = new RandomCheckpointSpec { DType = CheckpointDType.BF16 };
        HfCheckpointWriter.Write(spec, _dir, Vocabulary.Synthetic(512));

        Assert.False(File.Exists(Path.Combine(_dir, "model.safetensors.index.json")));
        var tensors = ReadSafetensors(Path.Combine(_dir, "model.safetensors"));
        var plan = RandomCheckpoint.Plan(spec);
        Assert.Equal(plan.Select(t => t.HfName).Order(), tensors.Keys.Order());
        var q = plan.Single(t => t.HfName == "model.layers.0.self_attn.q_proj.weight");
        Assert.Equal("BF16", tensors[q.HfName].DType);
        Assert.Equal(q.Shape, tensors[q.HfName].Shape);
        Assert.Equal(TensorEncoding.Encode(RandomCheckpoint.Values(spec, q), CheckpointDType.BF16), tensors[q.HfName].Bytes);
    }

    [Fact]
    public void Write_AboveShardSize_ShardsAndIndexCoverEveryTensorOnce()
    {
        var spec = new RandomCheckpointSpec { ShardSizeBytes = 100_000 };
        HfCheckpointWriter.Write(spec, _dir, Vocabulary.Synthetic(512));

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "model.safetensors.index.json")));
        var weightMap = At(index, "weight_map").AsObject().ToDictionary(p => p.Key, p => At(p.Value).GetValue<string>());
        var shards = weightMap.Values.Distinct().Order().ToList();
        Assert.True(shards.Count > 1);
        Assert.Equal(shards.Select((_, i) => $"model-{i + 1:00000}-of-{shards.Count:00000}.safetensors"), shards);
        var read = shards.SelectMany(s => ReadSafetensors(Path.Combine(_dir, s)).Select(kv => (kv.Key, Shard: s, kv.Value))).ToList();
        Assert.Equal(RandomCheckpoint.Plan(spec).Select(t => t.HfName).Order(), read.Select(r => r.Key).Order());
        Assert.All(read, r => Assert.Equal(weightMap[r.Key], r.Shard));
        Assert.Equal(read.Sum(r => (long)r.Value.Bytes.Length), At(index, "metadata", "total_size").GetValue<long>());
    }

    [Fact]
    public void Write_Llama3AndQwen2_ConfigCarriesScalingAndBias()
    {
        var llama3 = new RandomCheckpointSpec { Architecture = CheckpointArchitecture.Llama3 };
        var qwen2 = new RandomCheckpointSpec { Architecture = CheckpointArchitecture.Qwen2 };
        var vocabulary = Vocabulary.FromGguf(TestModels.Stories260K);

        var c3 = HfConfigFiles.Config(llama3, vocabulary);
        var c2 = HfConfigFiles.Config(qwen2, vocabulary);

        Assert.Equal("llama3", At(c3, "rope_scaling", "rope_type").GetValue<string>());
        Assert.Equal(8192, At(c3, "rope_scaling", "original_max_position_embeddings").GetValue<int>());
        Assert.Equal(500000.0, At(c3, "rope_theta").GetValue<double>());
        Assert.Equal("Qwen2ForCausalLM", At(c2, "architectures", 0).GetValue<string>());
        Assert.True(At(c2, "attention_bias").GetValue<bool>());
        Assert.True(At(c2, "tie_word_embeddings").GetValue<bool>());
        Assert.Equal(16, At(c2, "head_dim").GetValue<int>());
    }

    [Fact]
    public void TokenizerJson_StoriesVocabulary_MergesRankedByScore()
    {
        var vocabulary = Vocabulary.FromGguf(TestModels.Stories260K);

        var merges = HfTokenizerFiles.Merges(vocabulary);
        var json = HfTokenizerFiles.TokenizerJson(vocabulary);

        // Piece 259 "▁t" has the highest merge score among multi-character pieces, then 260 "he".
        Assert.Equal(("\u2581", "t"), merges[0]);
        Assert.Equal(("h", "e"), merges[1]);
        Assert.Equal(512, At(json, "model", "vocab").AsObject().Count);
        Assert.True(At(json, "model", "byte_fallback").GetValue<bool>());
    }

    /// <summary>Walks object keys and array indices, failing the test where a node is missing.</summary>
    private static JsonNode At(JsonNode? node, params object[] path)
    {
        foreach (var step in path)
        {
            node = step is int i ? node?[i] : node?[(string)step];
        }
        Assert.NotNull(node);
        return node;
    }

    private static Dictionary<string, (string DType, long[] Shape, byte[] Bytes)> ReadSafetensors(string path)
    {
        var file = File.ReadAllBytes(path);
        var headerLength = (int)BitConverter.ToUInt64(file, 0);
        Assert.Equal(0, headerLength % 8);
        using var header = JsonDocument.Parse(file.AsMemory(8, headerLength));
        var data = 8 + headerLength;
        var result = new Dictionary<string, (string, long[], byte[])>();
        long expectedStart = 0;
        foreach (var entry in header.RootElement.EnumerateObject().Where(e => e.Name != "__metadata__"))
        {
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(expectedStart, offsets[0]);   // back to back, in header order
            expectedStart = offsets[1];
            result[entry.Name] = (entry.Value.GetProperty("dtype").GetString() ?? "",
                entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                file[(int)(data + offsets[0])..(int)(data + offsets[1])]);
        }
        Assert.Equal(file.Length, data + expectedStart);
        return result;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
