using System.Diagnostics;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;

namespace LlmServe.Bench.Peer;

/// <summary>
/// llama.cpp through LLamaSharp on the benchmark GGUF: the performance peer. Generation runs through
/// <see cref="BatchedExecutor"/>, one conversation per sequence, greedy, never stopping at EOS (as the Worker's
/// <c>ignore_eos</c> requests), so both sides do the same amount of work.
/// </summary>
/// <remarks>llama.cpp's own defaults otherwise (F16 K/V cache, its flash-attention choice): its best setting, not an oracle's.</remarks>
internal sealed class LlamaCppPeer : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly int _threads;

    static LlamaCppPeer()
    {
        // llama.cpp logs every tensor it loads; keep the benchmark's progress output readable.
        NativeLibraryConfig.All.WithLogCallback((_, _) => { });
    }

    public LlamaCppPeer(string ggufPath, int threads)
    {
        _threads = threads;
        _weights = LLamaWeights.LoadFromFile(Parameters(ggufPath, threads, 1, 512));
        GgufPath = ggufPath;
    }

    public string GgufPath { get; }

    public static ModelParams Parameters(string ggufPath, int threads, int sequences, int contextPerSequence) => new(ggufPath)
    {
        ContextSize = (uint)(sequences * contextPerSequence),
        SeqMax = (uint)sequences,
        BatchSize = 2048,
        UBatchSize = 512,
        GpuLayerCount = 0,
        Threads = threads,
        BatchThreads = threads,
    };

    /// <summary>Prefills every prompt, then decodes <paramref name="outputTokens"/> tokens for each, all sequences in one batch per step.</summary>
    public async Task<PeerRun> GenerateAsync(IReadOnlyList<int[]> prompts, int outputTokens)
    {
        var contextPerSequence = RoundUp(prompts.Max(p => p.Length) + outputTokens + 16, 256);
        using var executor = new BatchedExecutor(_weights, Parameters(GgufPath, _threads, prompts.Count, contextPerSequence));
        var conversations = prompts.Select(_ => executor.Create()).ToList();
        try
        {
            var started = Stopwatch.GetTimestamp();
            // LLamaSharp 0.30 lets a conversation sample only right after the decode that processed it, and long
            // prompts of many conversations spill over several llama batches: so each prompt is decoded and its first
            // token sampled on its own, then all conversations decode together, one token each per step.
            var next = new int[prompts.Count];
            for (var i = 0; i < prompts.Count; i++)
            {
                conversations[i].Prompt(prompts[i].Select(t => (LLamaToken)t).ToArray(), allLogits: false);
                await InferAllAsync(executor);
                next[i] = ArgMax(conversations[i].Sample());
            }
            var prefill = Stopwatch.GetElapsedTime(started).TotalSeconds;
            started = Stopwatch.GetTimestamp();
            for (var step = 1; step < outputTokens; step++)
            {
                for (var i = 0; i < conversations.Count; i++)
                {
                    conversations[i].Prompt((LLamaToken)next[i]);
                }
                await InferAllAsync(executor);
                for (var i = 0; i < conversations.Count; i++)
                {
                    next[i] = ArgMax(conversations[i].Sample());
                }
            }
            return new PeerRun(prompts.Count, outputTokens, prefill, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        finally
        {
            conversations.ForEach(c => c.Dispose());
        }
    }

    private static async Task InferAllAsync(BatchedExecutor executor)
    {
        while (executor.BatchQueueCount > 0)
        {
            var result = await executor.Infer();
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama_decode failed: {result}.");
            }
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    public void Dispose() => _weights.Dispose();
}
