using LlmServe.Worker.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The gated SiLU kernel against torch's silu(gate) * up, and its rows against themselves alone.</summary>
public sealed class SiluAndMulTests
{
    [Theory]
    [InlineData(ScalarType.BFloat16, 1, 4864)]
    [InlineData(ScalarType.BFloat16, 9, 172)]    // a partial last group per row
    [InlineData(ScalarType.Float32, 9, 172)]
    [InlineData(ScalarType.Float32, 300, 1000)]  // the parallel path
    public void Kernel_MatchesTorch(ScalarType dtype, int m, int width)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(m * 7 + width));
        var gate = (torch.randn([m, width], generator: generator) * 4).to_type(dtype);
        var up = torch.randn([m, width], generator: generator).to_type(dtype);

        var actual = SiluAndMul.TryForward(gate, up);

        Assert.NotNull(actual);
        Assert.Equal(dtype, actual.dtype);
        var expected = F.silu(gate).mul_(up).to_type(ScalarType.Float32);
        // bf16: torch rounds silu's result and the product to bf16 too, so only exp's last bit can move a value one bf16
        // step; float32: a few ulps.
        var (rtol, atol) = dtype == ScalarType.BFloat16 ? (1.0 / 128, 1e-3) : (1e-5, 1e-6);
        Assert.True(torch.allclose(actual.to_type(ScalarType.Float32), expected, rtol, atol),
            $"max |kernel - torch| = {(actual.to_type(ScalarType.Float32) - expected).abs().max().item<float>()}");
    }

    /// <summary>
    /// torch finishes its flattened tensor's last values with scalar code: with a width of 172, 5 of these 11 float32
    /// rows came out differently from torch alone than in the batch.
    /// </summary>
    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float32)]
    public void EachRow_IsBitIdenticalToItsOwnCall(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var gate = (torch.randn([11, 172], generator: generator) * 4).to_type(dtype);
        var up = torch.randn([11, 172], generator: generator).to_type(dtype);

        var together = SiluAndMul.TryForward(gate, up)!;

        for (var r = 0; r < 11; r++)
        {
            var alone = SiluAndMul.TryForward(gate.narrow(0, r, 1), up.narrow(0, r, 1))!;
            Assert.True(together.narrow(0, r, 1).equal(alone).all().item<bool>(), $"row {r}");
        }
    }

    /// <summary>
    /// Each value is computed alone: a row's last, partial vector gives the bits the same values get inside a longer
    /// row at another offset (and so in any vector the fused decode step's chunks put them).
    /// </summary>
    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float32)]
    public void ValueBits_DoNotDependOnWhereInTheRowTheyAre(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var gate = (torch.randn([1, 64], generator: generator) * 4).to_type(dtype);
        var up = torch.randn([1, 64], generator: generator).to_type(dtype);

        var whole = SiluAndMul.TryForward(gate, up)!;
        foreach (var (offset, width) in new[] { (0, 23), (5, 23), (9, 7), (3, 40) })
        {
            var part = SiluAndMul.TryForward(gate.narrow(1, offset, width).contiguous(), up.narrow(1, offset, width).contiguous())!;
            Assert.True(part.equal(whole.narrow(1, offset, width)).all().item<bool>(), $"values {offset}..{offset + width}");
        }
    }

    [Fact]
    public void OtherInputs_AreLeftToTorch()
    {
        using var scope = NewDisposeScope();
        var gate = torch.zeros([2, 8], ScalarType.Float64);

        Assert.Null(SiluAndMul.TryForward(gate, gate));
        Assert.Null(SiluAndMul.TryForward(torch.zeros([8, 2]).t(), torch.zeros([2, 8])));   // strided
    }
}
