using System.Diagnostics;
using System.Globalization;
using LlmServe.Checkpoints.Gguf;
using LlmServe.Checkpoints.HuggingFace;
using LlmServe.Checkpoints.Random;
using LlmServe.Checkpoints.Vocab;

namespace LlmServe.Bench.Setup;

/// <summary>
/// One random checkpoint in both layouts, cached under the work folder by a name derived from its spec, so the
/// ~1.5-minute generation of the 0.5B model happens once per machine.
/// </summary>
internal sealed record BenchCheckpoint(RandomCheckpointSpec Spec, string HfFolder, string GgufFile)
{
    /// <summary>Bytes of weights a decode step streams: the safetensors payload (tied embeddings counted once).</summary>
    public long WeightBytes => Directory.GetFiles(HfFolder, "*.safetensors").Sum(f => new FileInfo(f).Length);

    public static BenchCheckpoint Ensure(RandomCheckpointSpec spec, string workDir)
    {
        spec.Validate();
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{spec.Architecture}-h{spec.HiddenSize}-l{spec.Layers}-a{spec.Heads}-kv{spec.KvHeads}-f{spec.IntermediateSize}-v{spec.VocabSize}-{spec.DType}-s{spec.Seed}-t{spec.EffectiveTieWordEmbeddings}").ToLowerInvariant();
        var root = Path.Combine(Path.GetFullPath(workDir), name);
        var hf = Path.Combine(root, "hf");
        var gguf = Path.Combine(root, "model.gguf");
        var done = Path.Combine(root, ".complete");
        if (File.Exists(done))
        {
            Console.WriteLine($"Checkpoint: reusing {root}");
            return new BenchCheckpoint(spec, hf, gguf);
        }
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true); // a previous run stopped half-way
        }
        Directory.CreateDirectory(root);
        Console.WriteLine($"Checkpoint: generating {name} (both layouts) ...");
        var started = Stopwatch.GetTimestamp();
        var vocabulary = Vocabulary.Synthetic(spec.VocabSize);
        HfCheckpointWriter.Write(spec, hf, vocabulary);
        GgufCheckpointWriter.Write(spec, gguf, vocabulary);
        File.WriteAllText(done, "");
        Console.WriteLine($"Checkpoint: written in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        return new BenchCheckpoint(spec, hf, gguf);
    }
}
