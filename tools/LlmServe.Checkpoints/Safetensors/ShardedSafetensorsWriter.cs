using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmServe.Checkpoints.Safetensors;

/// <summary>
/// Writes a model's weights into a folder as transformers' save_pretrained does: one model.safetensors when they
/// fit under the shard size, otherwise model-0000i-of-0000n.safetensors files plus model.safetensors.index.json.
/// </summary>
public static class ShardedSafetensorsWriter
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    /// <returns>The file names written, index last when there is one.</returns>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<SafetensorsTensor> tensors, long shardSizeBytes)
    {
        Directory.CreateDirectory(directory);
        var total = tensors.Sum(t => t.ByteSize);
        if (total <= shardSizeBytes)
        {
            SafetensorsWriter.Write(Path.Combine(directory, SingleFileName), tensors);
            return [SingleFileName];
        }
        var shards = Split(tensors, shardSizeBytes);
        var names = shards.Select((_, i) => $"model-{i + 1:00000}-of-{shards.Count:00000}.safetensors").ToList();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < shards.Count; i++)
        {
            SafetensorsWriter.Write(Path.Combine(directory, names[i]), shards[i]);
            foreach (var t in shards[i])
            {
                weightMap[t.Name] = names[i];
            }
        }
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = total },
            ["weight_map"] = new JsonObject(weightMap.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        File.WriteAllText(Path.Combine(directory, IndexFileName), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return [.. names, IndexFileName];
    }

    /// <summary>Greedy, in order: a shard closes when the next tensor would push it past the limit.</summary>
    private static List<List<SafetensorsTensor>> Split(IReadOnlyList<SafetensorsTensor> tensors, long shardSizeBytes)
    {
        var shards = new List<List<SafetensorsTensor>> { new() };
        long size = 0;
        foreach (var t in tensors)
        {
            if (shards[^1].Count > 0 && size + t.ByteSize > shardSizeBytes)
            {
                shards.Add([]);
                size = 0;
            }
            shards[^1].Add(t);
            size += t.ByteSize;
        }
        return shards;
    }
}
