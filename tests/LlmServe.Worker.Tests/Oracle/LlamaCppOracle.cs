using LLama;
using LLama.Common;
using LLama.Native;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// llama.cpp (through LLamaSharp's CPU backend) on one GGUF file: the independent reference for tokenization,
/// logits and greedy decoding.
/// </summary>
/// <remarks>
/// Settings chosen for a float32 comparison: one thread (deterministic reductions, and the build machines have two
/// cores), float32 K/V cache (llama.cpp defaults to F16, whose rounding alone moves logits by ~1e-3), and no flash
/// attention (its CPU path rounds through F16 too).
/// </remarks>
internal sealed class LlamaCppOracle : IDisposable
{
    /// <summary>llama.cpp's context; our side serves the same length where that matters (LongRoPE's factor choice).</summary>
    internal const uint ContextSize = 512;
    private readonly ModelParams _parameters;
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;

    static LlamaCppOracle()
    {
        // llama.cpp logs every tensor it loads; keep test output readable.
        NativeLibraryConfig.All.WithLogCallback((_, _) => { });
    }

    /// <summary>Loads llama.cpp's native library (with this class's quiet logging) without opening a model.</summary>
    public static void EnsureLoaded() => NativeApi.llama_empty_call();

    public LlamaCppOracle(string ggufPath)
    {
        _parameters = new ModelParams(ggufPath)
        {
            ContextSize = ContextSize,
            BatchSize = ContextSize,
            UBatchSize = ContextSize,
            GpuLayerCount = 0,
            Threads = 1,
            BatchThreads = 1,
            TypeK = GGMLType.GGML_TYPE_F32,
            TypeV = GGMLType.GGML_TYPE_F32,
            FlashAttention = false,
        };
        _weights = LLamaWeights.LoadFromFile(_parameters);
        _context = _weights.CreateContext(_parameters);
    }

    public int VocabSize => _context.Vocab.Count;

    /// <summary>llama.cpp's tokenization; with <paramref name="addBos"/>, BOS first as the model's settings say.</summary>
    public int[] Tokenize(string text, bool addBos) =>
        _context.Tokenize(text, addBos, special: false).Select(t => (int)t).ToArray();

    /// <summary>The bytes llama.cpp renders for one token (llama_token_to_piece, special tokens not rendered).</summary>
    public byte[] TokenBytes(int id)
    {
        var buffer = new byte[64];
        var length = _context.NativeHandle.TokenToSpan(id, buffer);
        if (length > buffer.Length)
        {
            buffer = new byte[length];
            length = _context.NativeHandle.TokenToSpan(id, buffer);
        }
        return buffer[..(int)length];
    }

    /// <summary>Float32 logits (V) of the last position after running <paramref name="tokens"/> from position 0.</summary>
    public float[] LastLogits(IReadOnlyList<int> tokens)
    {
        _context.NativeHandle.MemoryClear(true);
        return Decode(tokens, 0);
    }

    /// <summary>Float32 logits of every position (T x V) after running <paramref name="tokens"/> from position 0.</summary>
    public float[][] AllLogits(IReadOnlyList<int> tokens)
    {
        _context.NativeHandle.MemoryClear(true);
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Count; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, logits: true);
        }
        if (_context.Decode(batch) is var result && result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed: {result}.");
        }
        return Enumerable.Range(0, tokens.Count).Select(i => _context.NativeHandle.GetLogitsIth(i).ToArray()).ToArray();
    }

    /// <summary>Greedy continuation: the prompt in one batch, then one token per step through the KV cache.</summary>
    public IReadOnlyList<int> Greedy(IReadOnlyList<int> prompt, int count)
    {
        _context.NativeHandle.MemoryClear(true);
        var generated = new List<int>(count);
        var logits = Decode(prompt, 0);
        for (var i = 0; i < count; i++)
        {
            var next = ArgMax(logits);
            generated.Add(next);
            if (i + 1 < count)
            {
                logits = Decode([next], prompt.Count + i);
            }
        }
        return generated;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
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

    private float[] Decode(IReadOnlyList<int> tokens, int startPosition)
    {
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Count; i++)
        {
            batch.Add(tokens[i], startPosition + i, LLamaSeqId.Zero, i == tokens.Count - 1);
        }
        var result = _context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed: {result}.");
        }
        return _context.NativeHandle.GetLogitsIth(batch.TokenCount - 1).ToArray();
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
