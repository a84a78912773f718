using LlmServe.Checkpoints;
using LlmServe.Checkpoints.Random;

namespace LlmServe.Worker.Tests.Checkpoints;

public sealed class RandomCheckpointTests
{
    [Fact]
    public void QkPermutation_TwoHeadsOfFour_InterleavesHalves()
    {
        // Per head, HF rows (a0 a1 | b0 b1) become GGUF rows (a0 b0 a1 b1).
        float[] rows = [0, 1, 2, 3, 10, 11, 12, 13];

        var permuted = QkPermutation.ToGguf(rows, heads: 2, columns: 1);

        Assert.Equal([0, 2, 1, 3, 10, 12, 11, 13], permuted);
    }

    [Fact]
    public void QkPermutation_MovesWholeRows()
    {
        float[] rows = [0, 0, 1, 1, 2, 2, 3, 3];   // (4 rows, 2 columns), one head of dim 4

        Assert.Equal([0, 0, 2, 2, 1, 1, 3, 3], QkPermutation.ToGguf(rows, heads: 1, columns: 2));
    }

    [Fact]
    public void Values_DependOnlyOnSeedAndName()
    {
        var small = new RandomCheckpointSpec { Layers = 2 };
        var tensor = RandomCheckpoint.Plan(small).Single(t => t.HfName == "model.layers.1.self_attn.q_proj.weight");

        var again = RandomCheckpoint.Values(small, tensor);
        var deeper = RandomCheckpoint.Values(small with { Layers = 5 }, tensor);
        var reseeded = RandomCheckpoint.Values(small with { Seed = 2 }, tensor);

        Assert.Equal(RandomCheckpoint.Values(small, tensor), again);
        Assert.Equal(again, deeper);
        Assert.NotEqual(again, reseeded);
    }

    [Fact]
    public void Values_HaveTheRequestedSpread()
    {
        var spec = new RandomCheckpointSpec { InitStd = 0.02 };
        var plan = RandomCheckpoint.Plan(spec);

        var matrix = RandomCheckpoint.Values(spec, plan.Single(t => t.GgufName == "token_embd.weight"));
        var norm = RandomCheckpoint.Values(spec, plan.Single(t => t.GgufName == "output_norm.weight"));

        Assert.InRange(Std(matrix), 0.019, 0.021);
        Assert.InRange(Math.Abs(matrix.Average()), 0, 0.001);
        Assert.InRange(norm.Average(), 0.95, 1.05);
    }

    [Fact]
    public void Plan_Qwen2TiedWithBiases_HasNoLmHeadAndPermutesNothing()
    {
        var plan = RandomCheckpoint.Plan(new RandomCheckpointSpec { Architecture = CheckpointArchitecture.Qwen2, Layers = 1 });

        Assert.DoesNotContain(plan, t => t.GgufName == "output.weight");
        Assert.Contains(plan, t => t.HfName == "model.layers.0.self_attn.k_proj.bias" && t.GgufName == "blk.0.attn_k.bias");
        Assert.All(plan, t => Assert.Null(t.PermuteHeads));
    }

    [Fact]
    public void Plan_Qwen3_QkNormsUseHeadDim()
    {
        var spec = new RandomCheckpointSpec { Architecture = CheckpointArchitecture.Qwen3, Layers = 1, HiddenSize = 64, Heads = 4, HeadDim = 24 };
        var plan = RandomCheckpoint.Plan(spec);

        Assert.Equal([24L], plan.Single(t => t.GgufName == "blk.0.attn_q_norm.weight").Shape);
        Assert.Equal([96L, 64L], plan.Single(t => t.GgufName == "blk.0.attn_q.weight").Shape);
        Assert.Equal([64L, 96L], plan.Single(t => t.GgufName == "blk.0.attn_output.weight").Shape);
    }

    [Fact]
    public void GgufRopeFactors_Llama31Defaults_KeepShortScaleLongBlendBetween()
    {
        // Llama 3.1 8B: theta 500000, head dim 128, factor 8, low 1, high 4, original 8192.
        var factors = new Llama3ScalingSpec().GgufRopeFactors(500000, 128);

        Assert.Equal(64, factors.Length);
        Assert.Equal(1f, factors[0]);
        Assert.Equal(8f, factors[^1]);
        Assert.True(factors.Zip(factors.Skip(1)).All(p => p.First <= p.Second), "factors grow with wavelength");
        Assert.Contains(factors, f => f is > 1f and < 8f);
    }

    [Theory]
    [InlineData(0x3F800000u, 0x3F80)]   // 1.0
    [InlineData(0xC0000000u, 0xC000)]   // -2.0
    [InlineData(0x3F808000u, 0x3F80)]   // exactly halfway: ties to even (down)
    [InlineData(0x3F818000u, 0x3F82)]   // exactly halfway: ties to even (up)
    [InlineData(0x3F808001u, 0x3F81)]   // just above halfway rounds up
    [InlineData(0x3F807FFFu, 0x3F80)]   // just below halfway rounds down
    public void ToBFloat16_RoundsToNearestEven(uint floatBits, int expected) =>
        Assert.Equal((ushort)expected, TensorEncoding.ToBFloat16(BitConverter.UInt32BitsToSingle(floatBits)));

    [Fact]
    public void RoundTo_Bf16_MatchesEncodedBytes()
    {
        float[] values = [0.1f, -0.3333f, 1e-3f, 123.456f];
        var rounded = values.ToArray();

        TensorEncoding.RoundTo(rounded, CheckpointDType.BF16);

        Assert.Equal(TensorEncoding.Encode(values, CheckpointDType.BF16), TensorEncoding.Encode(rounded, CheckpointDType.BF16));
        Assert.Equal(rounded, rounded.Select(v => TensorEncoding.FromBFloat16(TensorEncoding.ToBFloat16(v))));
    }

    private static double Std(float[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }
}
