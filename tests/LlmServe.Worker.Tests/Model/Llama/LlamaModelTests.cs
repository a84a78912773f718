using LlmServe.TestUtilities;
using LlmServe.Worker.Engine.Sampling;
using LlmServe.Worker.Model;
using LlmServe.Worker.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Llama;

public sealed class LlamaModelTests
{
    /// <summary>
    /// The published greedy continuation of this checkpoint (as produced by llama.cpp, the reference runtime for
    /// the GGUF file) for the prompt "Once upon a time".
    /// </summary>
    private const string ReferenceContinuation = ", there was a little girl named Lily. She loved to play outside in the park.";

    [Fact]
    public void Greedy_OnceUponATime_MatchesReferenceContinuation()
    {
        using var model = ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32);

        var text = GreedyContinuation(model, "Once upon a time", 40);

        Assert.StartsWith(ReferenceContinuation, text);
    }

    [Fact]
    public void Forward_IncrementalThroughCache_EqualsFullSequenceForward()
    {
        using var model = ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32);
        using var inference = torch.inference_mode();
        var tokens = model.Tokenizer.Encode("The cat sat on the mat and looked at the dog.", addSpecial: true).Select(t => (long)t).ToArray();

        using var full = model.Network.CreateCache(64);
        using var expected = model.Network.Forward(torch.tensor(tokens), 0, full);          // (V)

        using var incremental = model.Network.CreateCache(64);
        using var prefix = model.Network.Forward(torch.tensor(tokens[..5]), 0, incremental);
        Tensor? last = null;
        for (var i = 5; i < tokens.Length; i++)
        {
            last?.Dispose();
            last = model.Network.Forward(torch.tensor(new[] { tokens[i] }), i, incremental); // (V)
        }

        Assert.NotNull(last);
        Assert.True(torch.allclose(expected, last, rtol: 1e-4, atol: 1e-4));
        last.Dispose();
    }

    [Fact]
    public void Forward_Bfloat16_KeepsGreedyPrefix()
    {
        using var model = ModelLoader.Load(TestModels.Stories260K, ScalarType.BFloat16);

        var text = GreedyContinuation(model, "Once upon a time", 6);

        Assert.StartsWith(", there was", text);
    }

    private static string GreedyContinuation(LoadedModel model, string prompt, int count)
    {
        using var inference = torch.inference_mode();
        var tokens = model.Tokenizer.Encode(prompt, addSpecial: true).ToList();
        using var cache = model.Network.CreateCache(tokens.Count + count);
        var generated = new List<int>();
        var position = 0;
        IReadOnlyList<int> feed = tokens;
        for (var i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.Network.Forward(torch.tensor(feed.Select(t => (long)t).ToArray()), position, cache);
            position += feed.Count;
            var next = Sampler.ArgMax(logits.data<float>().ToArray());
            generated.Add(next);
            feed = [next];
        }
        return model.Tokenizer.Decode(generated);
    }
}
