using LlmServe.Worker.Model.Llama;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Llama;

/// <summary>
/// Prefill attention split into query tiles (a long context) gives what one tile gives, up to rounding, causal mask
/// included, and what a float64 reference gives, sliding window and soft-capping included.
/// </summary>
public sealed class AttentionPrefillTests
{
    private const int Heads = 4, KvHeads = 2, HeadDim = 16;

    [Theory]
    [InlineData(ScalarType.Float32, 37, 100)]   // a chunk at the end of a longer context
    [InlineData(ScalarType.Float32, 50, 50)]    // a whole prompt
    [InlineData(ScalarType.BFloat16, 37, 100)]
    public void Prefill_InSmallTiles_EqualsOneTileAndTheReference(ScalarType dtype, int t, int s)
    {
        using var scope = NewDisposeScope();
        using var attention = NewAttention();
        var generator = new Generator().manual_seed(5);
        var q = randn([t, Heads, HeadDim], generator: generator).to_type(dtype);          // (T, H, D)
        var keys = randn([s, KvHeads, HeadDim], generator: generator).to_type(dtype);     // (S, Hkv, D)
        var values = randn([s, KvHeads, HeadDim], generator: generator).to_type(dtype);   // (S, Hkv, D)

        var whole = attention.Prefill(q, keys, values);
        var tiled = attention.Prefill(q, keys, values, scoreBytes: 8L * Heads * s * 5);   // 5 query rows per tile

        // The matrix products may block a tile's rows differently from the whole's, so float32 sums can end in another
        // last bit; anything more would be a wrong mask or a misplaced tile.
        var tileError = (whole.to_type(ScalarType.Float64) - tiled.to_type(ScalarType.Float64)).abs().max().item<double>();
        Assert.True(tileError < (dtype == ScalarType.Float32 ? 1e-6 : 1e-2), $"max |tiled - whole| {tileError}");
        var error = (whole.to_type(ScalarType.Float64) - Reference(q, keys, values)).abs().max().item<double>();
        Assert.True(error < (dtype == ScalarType.Float32 ? 1e-5 : 5e-2), $"max |error| vs reference {error}");
    }

    /// <summary>
    /// Gemma 2's options: scores soft-capped, and a window of 9 keys, across tile edges and within a chunk that starts
    /// past the window.
    /// </summary>
    [Theory]
    [InlineData(37, 100)]
    [InlineData(50, 50)]
    public void Prefill_SlidingWindowAndSoftcap_EqualTheReference(int t, int s)
    {
        using var scope = NewDisposeScope();
        var options = new AttentionOptions(0.3, Softcap: 2.0, Window: 9);
        using var attention = NewAttention(options);
        var generator = new Generator().manual_seed(9);
        var q = randn([t, Heads, HeadDim], generator: generator);          // (T, H, D)
        var keys = randn([s, KvHeads, HeadDim], generator: generator);     // (S, Hkv, D)
        var values = randn([s, KvHeads, HeadDim], generator: generator);   // (S, Hkv, D)

        var expected = Reference(q, keys, values, options);
        foreach (var tiled in new[] { attention.Prefill(q, keys, values), attention.Prefill(q, keys, values, scoreBytes: 8L * Heads * s * 5) })
        {
            var error = (tiled.to_type(ScalarType.Float64) - expected).abs().max().item<double>();
            Assert.True(error < 1e-5, $"max |error| vs reference {error}");
        }
        var unwindowed = Reference(q, keys, values, options with { Window = null });
        Assert.True((unwindowed - expected).abs().max().item<double>() > 0.1, "the window made no difference: the test cannot fail");
    }

    /// <summary>Causal attention in float64, one query and head at a time.</summary>
    private static Tensor Reference(Tensor q, Tensor keys, Tensor values, AttentionOptions? options = null)
    {
        options ??= AttentionOptions.Default(HeadDim);
        long t = q.shape[0], s = keys.shape[0];
        var (q64, k64, v64) = (q.to_type(ScalarType.Float64), keys.to_type(ScalarType.Float64), values.to_type(ScalarType.Float64));
        var output = zeros([t, Heads, HeadDim], ScalarType.Float64);
        for (var i = 0L; i < t; i++)
        {
            var end = s - t + i + 1;                                         // keys [first, end) are visible
            var first = options.Window is int w ? Math.Max(0, end - w) : 0;
            for (var h = 0L; h < Heads; h++)
            {
                var kv = h / (Heads / KvHeads);
                var scores = k64.narrow(0, first, end - first).select(1, kv).matmul(q64[i, h]) * options.Scale; // (visible)
                if (options.Softcap is double cap)
                {
                    scores = (scores / cap).tanh() * cap;
                }
                output[i, h] = scores.softmax(0).matmul(v64.narrow(0, first, end - first).select(1, kv)); // (D)
            }
        }
        return output;
    }

    private static Attention NewAttention(AttentionOptions? options = null)
    {
        Tensor Unused(long rows, long cols) => zeros([rows, cols]);
        return new Attention(Heads, KvHeads, HeadDim, new AttentionWeights(
            Unused(Heads * HeadDim, Heads * KvHeads), Unused(KvHeads * HeadDim, 1), Unused(KvHeads * HeadDim, 1), Unused(1, Heads * HeadDim)),
            options);
    }
}
