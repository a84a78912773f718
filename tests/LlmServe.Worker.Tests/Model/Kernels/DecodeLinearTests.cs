using System.Runtime.InteropServices;
using LlmServe.Worker.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The bf16 GEMV kernel against torch on random data, with sizes that leave vector tails and odd K.</summary>
public sealed class DecodeLinearTests
{
    private static Tensor Random(long seed, params long[] shape)
    {
        using var generator = new Generator((ulong)seed);
        return torch.randn(shape, generator: generator).to_type(ScalarType.BFloat16);
    }

    /// <summary>float32 product of the bf16 values: the kernel's result before its one rounding to bf16.</summary>
    private static Tensor Reference(Tensor x, Tensor w, Tensor? b = null)
    {
        var y = torch.matmul(x.to_type(ScalarType.Float32), w.to_type(ScalarType.Float32).t()); // (M, N)
        return b is null ? y : y + b.to_type(ScalarType.Float32);
    }

    private static void AssertWithinOneRounding(Tensor expected, Tensor actual)
    {
        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        // One bf16 rounding is a relative 2^-9; different float32 summation orders add a little more near zero.
        var close = torch.allclose(actual.to_type(ScalarType.Float32), expected, rtol: 1.0 / 128, atol: 1e-3);
        var worst = (actual.to_type(ScalarType.Float32) - expected).abs().max().to_type(ScalarType.Float32).item<float>();
        Assert.True(close, $"max |kernel - float32 reference| = {worst}");
    }

    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(1, 37, 34)]      // K/2 = 17 pairs: one 16-pair iteration and a scalar pair
    [InlineData(1, 45, 154)]     // 77 pairs: 512-bit 32-pair loop (or the 16-pair one), an 8-pair block, 5 scalar pairs
    [InlineData(2, 19, 1000)]    // 500 pairs: 15 32-pair iterations, then one 16-pair iteration and 4 scalar pairs
    [InlineData(2, 33, 97)]      // odd K: the last element has no partner
    [InlineData(3, 129, 896)]    // the benchmark's hidden size
    [InlineData(4, 70, 4864)]    // the benchmark's FFN width
    [InlineData(1, 5000, 896)]   // many output rows: the parallel path with a partial last chunk
    public void Kernel_MatchesFloat32Product(int m, int n, int k)
    {
        using var scope = NewDisposeScope();
        var x = Random(m * 1000 + k, m, k);
        var w = Random(n * 7 + k, n, k);

        AssertWithinOneRounding(Reference(x, w), DecodeLinear.Forward(x, w));
    }

    [Fact]
    public void Kernel_AgreesWithTorchBf16Linear()
    {
        using var scope = NewDisposeScope();
        var x = Random(1, 1, 896);
        var w = Random(2, 1153, 896);

        var expected = F.linear(x, w).to_type(ScalarType.Float32);
        var actual = DecodeLinear.Forward(x, w).to_type(ScalarType.Float32);

        // Both round a float32 sum once; only summation order differs, so they differ by at most one bf16 step.
        Assert.True(torch.allclose(actual, expected, rtol: 1.0 / 128, atol: 1e-3));
    }

    [Theory]
    [InlineData(2, 41, 66)]      // one block of inputs against tiles side by side, the last a single row
    [InlineData(7, 41, 896)]     // sweeps: 8-row tiles against blocks of 3 inputs and a part block, a 1-row last tile
    [InlineData(7, 70, 4864)]    // K in stretches: tiles side by side again
    public void Kernel_AddsBias(int m, int n, int k)
    {
        using var scope = NewDisposeScope();
        var x = Random(3, m, k);
        var w = Random(4, n, k);
        var b = Random(5, n);

        AssertWithinOneRounding(Reference(x, w, b), DecodeLinear.Forward(x, LinearKernel.RowGemv, (w, b))[0]);
    }

    [Theory]
    [InlineData(2, 896)]
    [InlineData(7, 896)]
    [InlineData(7, 4864)]
    public unsafe void Kernel_NaNOutputs_AreTorchsQuietNaN(int m, int k)
    {
        using var scope = NewDisposeScope();
        var x = Random(13, m, k);
        var w = Random(14, 21, k);
        ((ushort*)TensorMemory.Address(w))[9 * k + k / 3] = 0xFFC1;                 // a negative NaN with a payload: rounding alone keeps both
        var b = Random(15, 21);

        var y = DecodeLinear.Forward(x, LinearKernel.RowGemv, (w, b))[0];    // (M, 21)

        var bits = (ushort*)TensorMemory.Address(y);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < 21; j++)
            {
                Assert.Equal(j == 9, bits[i * 21 + j] == 0x7FC0);
            }
        }
    }

    [Fact]
    public void Fused_EqualsSeparateCalls()
    {
        using var scope = NewDisposeScope();
        var x = Random(6, 1, 130);
        var (wq, wk, wv) = (Random(7, 64, 130), Random(8, 17, 130), Random(9, 17, 130));
        var bk = Random(10, 17);

        var fused = DecodeLinear.Forward(x, (wq, null), (wk, bk), (wv, null));

        Assert.True(fused[0].equal(DecodeLinear.Forward(x, wq)).all().item<bool>());
        Assert.True(fused[1].equal(DecodeLinear.Forward(x, wk, bk)).all().item<bool>());
        Assert.True(fused[2].equal(DecodeLinear.Forward(x, wv)).all().item<bool>());
    }

    [Fact]
    public void EachRow_IsBitIdenticalToItsOwnCall()
    {
        using var scope = NewDisposeScope();
        var x = Random(11, DecodeLinear.MaxRows, 896);
        var w = Random(12, 300, 896);

        var together = DecodeLinear.Forward(x, w);

        for (var r = 0; r < DecodeLinear.MaxRows; r++)
        {
            var alone = DecodeLinear.Forward(x.narrow(0, r, 1), w);
            Assert.True(together.narrow(0, r, 1).equal(alone).all().item<bool>(), $"row {r}");
        }
    }

    /// <summary>
    /// Row counts on both sides of <see cref="DecodeLinear.MaxRowsWithoutFastBf16Gemm"/>: whichever product the CPU makes
    /// Auto choose (the kernel, torch's bf16 GEMM, or a float32 GEMM of the same values), a row is rounded once.
    /// </summary>
    [Theory]
    [InlineData(16)]
    [InlineData(100)]
    public void Auto_ManyRows_MatchesFloat32Product(int m)
    {
        using var scope = NewDisposeScope();
        var x = Random(30 + m, m, 896);
        var w = Random(31, 257, 896);
        var b = Random(32, 257);

        AssertWithinOneRounding(Reference(x, w, b), DecodeLinear.Forward(x, w, b));
    }

    /// <summary>
    /// Several input rows run in register tiles with several weight rows (4 x 4 with 512-bit vectors, 2 x 2 with 256-bit
    /// ones), one input row in a tile of weight rows alone: the same bits for K that end in every kind of tail.
    /// </summary>
    [Theory]
    [InlineData(10)]     // 5 pairs: scalar pairs only
    [InlineData(50)]     // 25 pairs: a 16-pair iteration, then 9 scalar pairs
    [InlineData(97)]     // odd K: the last element has no partner
    [InlineData(4864)]   // the benchmark's FFN width: 152 whole 16-pair iterations
    public void PinnedToTheKernel_EachRowEqualsItsOwnCall_ForEveryKindOfTail(int k)
    {
        using var scope = NewDisposeScope();
        // A slip in the order of float32 sums seldom crosses a bf16 rounding boundary in a few hundred outputs; the
        // engine's batch-invariance tests, over millions of rounded values, are what catch one.
        var x = Random(40 + k, 6, k);
        var w = Random(41 + k, 37, k);   // nine 4-row blocks and one weight row alone

        var together = DecodeLinear.Forward(x, w, kernel: LinearKernel.RowGemv);

        for (var r = 0; r < 6; r++)
        {
            Assert.True(together.narrow(0, r, 1).equal(DecodeLinear.Forward(x.narrow(0, r, 1), w, kernel: LinearKernel.RowGemv)).all().item<bool>(), $"row {r}");
        }
    }

    [Fact]
    public void PinnedToTheKernel_ManyRowsEachEqualTheirOwnCall()
    {
        using var scope = NewDisposeScope();
        var x = Random(16, 24, 896);   // far more rows than Auto sends to the kernel
        var w = Random(17, 300, 896);

        var together = DecodeLinear.Forward(x, w, kernel: LinearKernel.RowGemv);

        AssertWithinOneRounding(Reference(x, w), together);
        for (var r = 0; r < 24; r++)
        {
            Assert.True(together.narrow(0, r, 1).equal(DecodeLinear.Forward(x.narrow(0, r, 1), w)).all().item<bool>(), $"row {r}");
        }
    }

    /// <summary>
    /// float32 pinned to the kernel: torch's float32 GEMM rounds a row differently with the row count (rows of 1-3, 5-7
    /// and 9-11 row products), the kernel never does.
    /// </summary>
    [Theory]
    [InlineData(7, 300, 896)]
    [InlineData(13, 41, 172)]    // K with a 256-bit block and a scalar tail; N not a multiple of the 4-row tile
    [InlineData(2, 5000, 64)]    // the parallel path
    public void Float32PinnedToTheKernel_EachRowEqualsItsOwnCall_AndTorchsValue(int m, int n, int k)
    {
        using var scope = NewDisposeScope();
        var x = Random(20 + k, m, k).to_type(ScalarType.Float32);
        var w = Random(21 + n, n, k).to_type(ScalarType.Float32);
        var b = Random(22, n).to_type(ScalarType.Float32);

        var together = DecodeLinear.Forward(x, w, b, kernel: LinearKernel.RowGemv);

        Assert.Equal(ScalarType.Float32, together.dtype);
        Assert.True(torch.allclose(together, F.linear(x, w, b), rtol: 1e-5, atol: 1e-5));
        for (var r = 0; r < m; r++)
        {
            var alone = DecodeLinear.Forward(x.narrow(0, r, 1), w, b, kernel: LinearKernel.RowGemv);
            Assert.True(together.narrow(0, r, 1).equal(alone).all().item<bool>(), $"row {r}");
        }
    }

    [Fact]
    public void PinnedToTorch_OneRowGoesToTorch()
    {
        using var scope = NewDisposeScope();
        var x = Random(18, 1, 896);
        var w = Random(19, 300, 896);

        Assert.True(DecodeLinear.Forward(x, w, kernel: LinearKernel.Torch).equal(F.linear(x, w)).all().item<bool>());
    }

    [Theory]
    [InlineData(DecodeLinear.MaxRowsWithBf16DotProducts + 1, ScalarType.BFloat16)] // a prefill: torch's GEMM
    [InlineData(DecodeLinear.MaxRows + 1, ScalarType.Float32)]
    [InlineData(1, ScalarType.Float64)]                         // no kernel for the dtype
    public void OtherInputs_GoToTorch(int m, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var x = Random(13, m, 64).to_type(dtype);
        var w = Random(14, 24, 64).to_type(dtype);

        Assert.True(DecodeLinear.Forward(x, w).equal(F.linear(x, w)).all().item<bool>());
    }

    [Fact]
    public void Rounding_MatchesTorch()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(15);
        var values = torch.randn([4096], generator: generator) * 1000;
        var expected = MemoryMarshal.Cast<byte, ushort>(values.to_type(ScalarType.BFloat16).bytes).ToArray();

        var actual = values.data<float>().ToArray().Select(Bf16.FromSingle).ToArray();

        Assert.Equal(expected, actual);
    }
}
