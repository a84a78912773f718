using LlmServe.Checkpoints;
using LlmServe.TestUtilities;
using LlmServe.Worker.Model;
using LlmServe.Worker.Tests.Oracle;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model;

public sealed class DtypeResolverTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    [Fact]
    public void Auto_Float32Checkpoints_StayFloat32()
    {
        Assert.Equal(ScalarType.Float32, DtypeResolver.Resolve("auto", TestModels.Stories260K));
        Assert.Equal(ScalarType.Float32, DtypeResolver.Resolve("auto", files.Gguf("llama")));
        Assert.Equal(ScalarType.Float32, DtypeResolver.Resolve("auto", files.HuggingFace("llama")));
    }

    [Theory]
    [InlineData(CheckpointDType.BF16)]
    [InlineData(CheckpointDType.F16)]
    public void Auto_HalfPrecisionCheckpoints_RunInBfloat16(CheckpointDType dtype)
    {
        var spec = OracleSpecs.Get("llama") with { DType = dtype };

        Assert.Equal(ScalarType.BFloat16, DtypeResolver.Resolve("auto", files.Gguf($"llama-{dtype}", spec)));
        Assert.Equal(ScalarType.BFloat16, DtypeResolver.Resolve("auto", files.HuggingFace($"llama-{dtype}", spec)));
    }

    [Theory]
    [InlineData("float32", ScalarType.Float32)]
    [InlineData("BF16", ScalarType.BFloat16)]
    public void Explicit_WinsOverTheCheckpoint(string requested, ScalarType expected) =>
        Assert.Equal(expected, DtypeResolver.Resolve(requested, files.Gguf("llama")));

    [Fact]
    public void Unknown_IsAnError() =>
        Assert.Contains("auto, float32 or bfloat16", Assert.Throws<ArgumentException>(() => DtypeResolver.Resolve("int4", TestModels.Stories260K)).Message);
}
