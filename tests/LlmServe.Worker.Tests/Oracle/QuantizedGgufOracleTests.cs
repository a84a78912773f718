using LLama;
using LLama.Native;
using LlmServe.Checkpoints.Random;
using LlmServe.Conversion.Gguf;
using LlmServe.Worker.Model;
using LlmServe.Worker.Model.Gguf;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// Quantized GGUF files as llama.cpp writes them (its own quantizer, through LLamaSharp) from a float32 random
/// checkpoint: our dequantized weights must sit within the format's rounding of the originals, and our logits must
/// match llama.cpp running the same file far more closely than either matches the unquantized model.
/// </summary>
public sealed class QuantizedGgufOracleTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    // Rows of 256 values, so llama.cpp uses the k-quant types themselves rather than its fallbacks for short rows.
    private static readonly RandomCheckpointSpec Spec = OracleSpecs.Get("llama") with
    {
        HiddenSize = 256,
        IntermediateSize = 512,
        Heads = 4,
        KvHeads = 2,
    };

    public static TheoryData<LLamaFtype, GgmlType, double> Formats => new()
    {
        // file type, a tensor type it must contain, the largest relative L2 error of a weight allowed for it (~1.25x
        // what llama.cpp's own rounding gives these random weights; a misread scale or bit costs far more)
        { LLamaFtype.MOSTLY_Q8_0, GgmlType.Q8_0, 0.007 },
        { LLamaFtype.MOSTLY_Q4_0, GgmlType.Q4_0, 0.11 },
        { LLamaFtype.MOSTLY_Q4_1, GgmlType.Q4_1, 0.1 },
        { LLamaFtype.MOSTLY_Q5_0, GgmlType.Q5_0, 0.055 },
        { LLamaFtype.MOSTLY_Q5_1, GgmlType.Q5_1, 0.05 },
        { LLamaFtype.MOSTLY_Q2_K, GgmlType.Q2_K, 0.37 },
        { LLamaFtype.MOSTLY_Q3_K_M, GgmlType.Q3_K, 0.19 },
        { LLamaFtype.MOSTLY_Q4_K_M, GgmlType.Q4_K, 0.09 },
        { LLamaFtype.MOSTLY_Q5_K_M, GgmlType.Q5_K, 0.045 },
        { LLamaFtype.MOSTLY_Q6_K, GgmlType.Q6_K, 0.023 },
        { LLamaFtype.MOSTLY_IQ4_NL, GgmlType.IQ4_NL, 0.095 },
        { LLamaFtype.MOSTLY_IQ4_XS, GgmlType.IQ4_XS, 0.095 },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void LlamaCppQuantizedFile_DequantizesNearTheOriginalWeights(LLamaFtype format, GgmlType type, double tolerance)
    {
        var original = files.Gguf("quant-base", Spec);
        var quantized = Quantize(original, format);
        using var source = GgufFile.Open(original);
        using var target = GgufFile.Open(quantized);
        var weights = new GgufWeightSource(target);
        var reference = new GgufWeightSource(source);

        Assert.Contains(target.Tensors.Values, t => t.Type == type);
        foreach (var info in target.Tensors.Values.Where(t => t.Type == type))
        {
            using var ours = weights.Load(info.Name, info.TorchShape, ScalarType.Float32);
            using var exact = reference.Load(info.Name, info.TorchShape, ScalarType.Float32);
            var error = OracleAssert.RelativeL2(ours.data<float>().ToArray(), exact.data<float>().ToArray());
            TestContext.Current.TestOutputHelper?.WriteLine($"{format} {info.Name}: {error:E3}");
            Assert.True(error < tolerance, $"{format} {info.Name} ({info.Type}): relative L2 error {error:E3} exceeds {tolerance}.");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void LlamaCppQuantizedFile_LogitsMatchLlamaCppOnTheSameFile(LLamaFtype format, GgmlType type, double tolerance)
    {
        _ = (type, tolerance);
        var original = files.Gguf("quant-base", Spec);
        var quantized = Quantize(original, format);
        using var model = ModelLoader.Load(quantized, ScalarType.Float32);
        using var unquantized = ModelLoader.Load(original, ScalarType.Float32);
        using var oracle = new LlamaCppOracle(quantized);
        foreach (var prompt in OracleSpecs.Prompts)
        {
            var tokens = oracle.Tokenize(prompt, addBos: true);
            var ours = WorkerRun.LastLogits(model.Network, tokens);
            var theirs = oracle.LastLogits(tokens);
            // llama.cpp also rounds the activations to 8 bits for its quantized dot products, so the two differ by
            // that; a decoding mistake would move ours by the weights' own scale instead.
            var againstLlamaCpp = OracleAssert.RelativeL2(ours, theirs);
            var quantization = OracleAssert.RelativeL2(WorkerRun.LastLogits(unquantized.Network, tokens), theirs);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{format} '{prompt}': vs llama.cpp {againstLlamaCpp:E3}, unquantized vs llama.cpp {quantization:E3}");
            Assert.True(againstLlamaCpp < 0.05, $"{format} '{prompt}': relative L2 error {againstLlamaCpp:E3} vs llama.cpp.");
            Assert.True(format == LLamaFtype.MOSTLY_Q8_0 || againstLlamaCpp < quantization / 2,
                $"{format} '{prompt}': ours is {againstLlamaCpp:E3} from llama.cpp, no closer than the unquantized model ({quantization:E3}).");
        }
    }

    private string Quantize(string source, LLamaFtype format)
    {
        var path = Path.Combine(Path.GetDirectoryName(source)!, $"quant-{format}.gguf");
        lock (files)
        {
            if (!File.Exists(path))
            {
                // Loads llama.cpp's native library the way the oracle does; the quantizer alone does not.
                LlamaCppOracle.EnsureLoaded();
                Assert.True(LLamaQuantizer.Quantize(source, path, format, 1, allowRequantize: false, quantizeOutputTensor: true),
                    $"llama.cpp could not quantize to {format}.");
            }
        }
        return path;
    }
}
