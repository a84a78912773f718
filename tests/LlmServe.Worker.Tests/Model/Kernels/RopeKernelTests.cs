using LlmServe.Worker.Model.Kernels;
using LlmServe.Worker.Model.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The one-call bf16 RoPE must give exactly what the torch ops give.</summary>
public sealed class RopeKernelTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Kernel_IsBitIdenticalToTorchOps(bool interleaved)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(21);
        var inverse = Enumerable.Range(0, 32).Select(i => 1.0 / Math.Pow(10_000, 2.0 * i / 64)).ToArray();
        using var rope = new RotaryEmbedding(inverse, 512, interleaved, ScalarType.BFloat16);
        const int rows = DecodeLinear.MaxRows + 1;
        var x = (torch.randn([rows, 14, 64], generator: generator) * 2).to_type(ScalarType.BFloat16); // (T, H, D)
        var positions = torch.tensor(new long[] { 0, 1, 77, 300, 511 });

        var byTorch = rope.Apply(x, positions);   // more rows than the kernel takes: the torch ops

        for (var r = 0; r < rows; r++)
        {
            var one = rope.Apply(x.narrow(0, r, 1).contiguous(), positions.narrow(0, r, 1).contiguous());
            Assert.True(one.equal(byTorch.narrow(0, r, 1)).all().item<bool>(), $"row {r}");
        }
    }

    [Fact]
    public void PositionOutsideTable_Throws()
    {
        using var scope = NewDisposeScope();
        using var rope = new RotaryEmbedding([1.0, 0.1], 8, false, ScalarType.BFloat16);
        var x = torch.ones([1, 2, 4], ScalarType.BFloat16);

        Assert.Throws<ArgumentOutOfRangeException>(() => rope.Apply(x, torch.tensor(new long[] { 8 })));
    }
}
