using System.CommandLine;
using LlmServe.Checkpoints.Gguf;
using LlmServe.Checkpoints.HuggingFace;
using LlmServe.Checkpoints.Random;
using LlmServe.Checkpoints.Vocab;

namespace LlmServe.Checkpoints.Cli;

/// <summary><c>random</c>: writes one seeded random checkpoint as a Hugging Face folder and/or a GGUF file.</summary>
internal static class RandomCommand
{
    public static Command Create()
    {
        var arch = new Option<CheckpointArchitecture>("--arch") { Description = "llama, llama3, mistral, qwen2, qwen3, phi3, gemma, gemma2, gemma3, granite, mixtral or qwen3moe", DefaultValueFactory = _ => CheckpointArchitecture.Llama };
        var hidden = new Option<int>("--hidden") { DefaultValueFactory = _ => 64 };
        var layers = new Option<int>("--layers") { DefaultValueFactory = _ => 2 };
        var heads = new Option<int>("--heads") { DefaultValueFactory = _ => 4 };
        var kvHeads = new Option<int>("--kv-heads") { DefaultValueFactory = _ => 2 };
        var headDim = new Option<int?>("--head-dim") { Description = "default: hidden / heads" };
        var ffn = new Option<int>("--ffn") { DefaultValueFactory = _ => 172 };
        var vocab = new Option<int>("--vocab") { DefaultValueFactory = _ => 512 };
        var dtype = new Option<CheckpointDType>("--dtype") { Description = "f32, f16 or bf16", DefaultValueFactory = _ => CheckpointDType.F32 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var std = new Option<double>("--init-std") { DefaultValueFactory = _ => 0.02 };
        var maxPositions = new Option<int>("--max-positions") { DefaultValueFactory = _ => 2048 };
        var theta = new Option<double?>("--rope-theta") { Description = "default: the architecture's" };
        var partialRotary = new Option<double>("--partial-rotary") { Description = "phi3: share of each head RoPE rotates", DefaultValueFactory = _ => 1.0 };
        var experts = new Option<int>("--experts") { Description = "mixtral/qwen3moe: experts per layer", DefaultValueFactory = _ => 4 };
        var expertsPerToken = new Option<int>("--experts-per-token") { DefaultValueFactory = _ => 2 };
        var window = new Option<int>("--sliding-window") { Description = "gemma2/gemma3: the sliding layers' window", DefaultValueFactory = _ => 4096 };
        var scaling = new Option<string?>("--rope-scaling") { Description = "linear:FACTOR, yarn:FACTOR:ORIGINAL_CONTEXT or longrope:1:ORIGINAL_CONTEXT (phi3)" };
        var tie = new Option<bool?>("--tie-embeddings") { Description = "default: true for qwen2/qwen3" };
        var shardMb = new Option<double>("--shard-size-mb") { Description = "shard the safetensors above this size", DefaultValueFactory = _ => 5000 };
        var vocabFrom = new Option<FileInfo?>("--vocab-from") { Description = "GGUF file whose llama tokenizer to copy; default: stories260K.gguf from shared/models when --vocab is 512" };
        var hfOut = new Option<DirectoryInfo?>("--hf-out") { Description = "Hugging Face folder to write" };
        var ggufOut = new Option<FileInfo?>("--gguf-out") { Description = "GGUF file to write" };

        var command = new Command("random", "Write seeded random weights as a Hugging Face folder and/or GGUF file.")
        {
            arch, hidden, layers, heads, kvHeads, headDim, ffn, vocab, dtype, seed, std, maxPositions, theta, partialRotary, window, experts, expertsPerToken, scaling, tie, shardMb, vocabFrom, hfOut, ggufOut,
        };
        command.SetAction(result =>
        {
            var spec = new RandomCheckpointSpec
            {
                Architecture = result.GetValue(arch),
                HiddenSize = result.GetValue(hidden),
                Layers = result.GetValue(layers),
                Heads = result.GetValue(heads),
                KvHeads = result.GetValue(kvHeads),
                HeadDim = result.GetValue(headDim),
                IntermediateSize = result.GetValue(ffn),
                VocabSize = result.GetValue(vocab),
                DType = result.GetValue(dtype),
                Seed = result.GetValue(seed),
                InitStd = result.GetValue(std),
                MaxPositionEmbeddings = result.GetValue(maxPositions),
                RopeTheta = result.GetValue(theta),
                RopeScaling = ParseScaling(result.GetValue(scaling)),
                PartialRotaryFactor = result.GetValue(partialRotary),
                SlidingWindow = result.GetValue(window),
                Experts = result.GetValue(experts),
                ExpertsPerToken = result.GetValue(expertsPerToken),
                TieWordEmbeddings = result.GetValue(tie),
                ShardSizeBytes = (long)(result.GetValue(shardMb) * 1_000_000),
            };
            var hf = result.GetValue(hfOut);
            var gguf = result.GetValue(ggufOut);
            if (hf is null && gguf is null)
            {
                Console.Error.WriteLine("Nothing to do: pass --hf-out DIR and/or --gguf-out FILE.gguf.");
                return 2;
            }
            try
            {
                spec.Validate();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            // A 512-token checkpoint copies the stories260K tokenizer when it can find it; --vocab-from picks any donor.
            var donor = result.GetValue(vocabFrom)?.FullName ?? (spec.VocabSize == StoriesVocabulary.Size ? StoriesVocabulary.Find() : null);
            var vocabulary = donor is null ? Vocabulary.Synthetic(spec.VocabSize) : Vocabulary.FromGguf(donor).Resize(spec.VocabSize);
            Console.WriteLine(donor is null ? "Vocabulary: synthetic" : $"Vocabulary: copied from {donor}");
            if (hf is not null)
            {
                HfCheckpointWriter.Write(spec, hf.FullName, vocabulary);
                Console.WriteLine($"Wrote {hf.FullName}");
            }
            if (gguf is not null)
            {
                GgufCheckpointWriter.Write(spec, gguf.FullName, vocabulary);
                Console.WriteLine($"Wrote {gguf.FullName}");
            }
            return 0;
        });
        return command;
    }

    /// <summary><c>linear:4</c> or <c>yarn:4:32768</c>; anything else is left for <see cref="RopeScalingSpec.Validate"/> to reject.</summary>
    private static RopeScalingSpec? ParseScaling(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var parts = text.Split(':');
        double Number(int i) => i < parts.Length && double.TryParse(parts[i], System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
        return new RopeScalingSpec(parts[0], Number(1), parts.Length > 2 ? (int)Number(2) : null);
    }
}
