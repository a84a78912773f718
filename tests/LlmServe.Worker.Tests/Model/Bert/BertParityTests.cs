using LlmServe.Worker.Model.Bert;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Bert;

/// <summary>The converted checkpoint on our BERT against ONNX Runtime on the package's original ONNX model.</summary>
public sealed class BertParityTests(MiniLmFixture minilm, ITestOutputHelper output)
{
    [Fact]
    public void Encode_VariedSentencesInPaddedBatches_MatchOnnxRuntime()
    {
        var ids = Sentences.Varied.Select(s => minilm.Tokenizer.Encode(s, addSpecial: true)).ToList();
        Assert.True(ids.Max(i => i.Count) > 256, "the set should hold a sequence longer than 256 tokens");
        using var oracle = new OnnxMiniLmOracle();

        // Two batches of mixed lengths, each padded to its longest, so the short majority is not padded to 258.
        var isShort = ids.Select(i => i.Count <= 64).ToList();
        var shortOnes = new Queue<float[]>(minilm.Encoder.Encode([.. ids.Where((_, i) => isShort[i])]));
        var longOnes = new Queue<float[]>(minilm.Encoder.Encode([.. ids.Where((_, i) => !isShort[i])]));
        var ours = isShort.Select(s => s ? shortOnes.Dequeue() : longOnes.Dequeue()).ToList();

        var reference = ids.Select(oracle.Embed).ToList();
        var cosines = ours.Select((e, i) => Cosine(e, reference[i])).ToList();
        var worst = cosines.Select((c, i) => (c, i)).MinBy(p => p.c);
        var maxDiff = ours.Zip(reference).Max(p => p.First.Zip(p.Second).Max(x => Math.Abs(x.First - x.Second)));
        output.WriteLine($"{cosines.Count} sentences ({ids.Min(i => i.Count)}..{ids.Max(i => i.Count)} tokens): " +
            $"min cosine {worst.c:F9} (1 - min = {1 - worst.c:E2}, sentence #{worst.i}), max |diff| {maxDiff:E2}");
        Assert.True(cosines.Count >= 50);
        Assert.All(cosines, c => Assert.True(c >= 0.9999, $"cosine {c}"));
    }

    [Fact]
    public void Encode_Padding_DoesNotChangeAnEmbedding()
    {
        var shortIds = minilm.Tokenizer.Encode("A short one.", addSpecial: true);
        var longIds = minilm.Tokenizer.Encode(Sentences.Varied[^3], addSpecial: true);

        var alone = minilm.Encoder.Encode([shortIds])[0];
        var padded = minilm.Encoder.Encode([longIds, shortIds])[1];

        Assert.True(Cosine(alone, padded) > 0.99999);
        Assert.All(alone.Zip(padded), p => Assert.Equal(p.First, p.Second, 1e-5));
    }

    [Fact]
    public void Encode_Bfloat16_StaysCloseToFloat32()
    {
        using var bf16 = BertLoader.Load(minilm.Folder, ScalarType.BFloat16);
        var ids = Sentences.Varied[..8].Select(s => minilm.Tokenizer.Encode(s, addSpecial: true)).ToList();

        var low = bf16.Encode(ids);
        var full = minilm.Encoder.Encode(ids);

        Assert.All(low.Zip(full), p => Assert.True(Cosine(p.First, p.Second) > 0.99, $"cosine {Cosine(p.First, p.Second)}"));
    }

    internal static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
