using LlmServe.Worker.Model.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The one-call bf16 and float32 RMS norm against the torch ops it replaces.</summary>
public sealed class RmsNormKernelTests
{
    [Theory]
    [InlineData(1, 896)]
    [InlineData(3, 13)]   // shorter than one vector, odd
    [InlineData(4, 4867)] // a scalar tail after the vectors
    [InlineData(40, 896)] // a prefill's rows: the kernel takes any row count
    public void Kernel_MatchesTorchOps(int m, int d)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(m * 10_000 + d));
        var x = (torch.randn([m, d], generator: generator) * 3).to_type(ScalarType.BFloat16);
        var weight = torch.randn([d], generator: generator).to_type(ScalarType.BFloat16);
        var x32 = x.to_type(ScalarType.Float32);
        var rms = x32.pow(2).mean([-1], keepdim: true).add_(1e-6).rsqrt_();                 // (M, 1)
        var expected = x32.mul(rms).to_type(ScalarType.BFloat16).mul_(weight);             // (M, D)

        using var norm = new RmsNorm(weight.alias(), 1e-6);
        var actual = norm.Forward(x);

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        // Only the float32 sum of squares may be ordered differently: at most one bf16 step apart, and rarely.
        var differ = actual.not_equal(expected).sum().item<long>();
        Assert.True(differ <= Math.Max(1, m * d / 100), $"{differ} of {m * d} elements differ");
        Assert.True(torch.allclose(actual.to_type(ScalarType.Float32), expected.to_type(ScalarType.Float32), rtol: 1.0 / 128, atol: 1e-6));
    }

    [Theory]
    [InlineData(1, 896)]
    [InlineData(37, 172)]  // a scalar tail after the vectors, many rows
    public void Float32_MatchesTorchOps(int m, int d)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(m * 10_000 + d));
        var x = torch.randn([m, d], generator: generator) * 3;
        var weight = torch.randn([d], generator: generator);
        var expected = x.mul(x.pow(2).mean([-1], keepdim: true).add_(1e-6).rsqrt_()).mul_(weight); // (M, D)

        using var norm = new RmsNorm(weight.alias(), 1e-6);
        var actual = norm.Forward(x);

        Assert.Equal(ScalarType.Float32, actual.dtype);
        Assert.True(torch.allclose(actual, expected, rtol: 1e-5, atol: 1e-6));
    }

    /// <summary>Each row is normalised the same way whatever the row count, above the few rows of a decode step too.</summary>
    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float32)]
    public void EachRow_IsBitIdenticalToItsOwnCall(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var x = (torch.randn([23, 172], generator: generator) * 3).to_type(dtype);
        using var norm = new RmsNorm(torch.randn([172], generator: generator).to_type(dtype), 1e-6);

        var together = norm.Forward(x);

        for (var r = 0; r < 23; r++)
        {
            Assert.True(together.narrow(0, r, 1).equal(norm.Forward(x.narrow(0, r, 1))).all().item<bool>(), $"row {r}");
        }
    }
}
