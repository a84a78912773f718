using LlmServe.Worker.Engine.Sampling;
using LlmServe.Worker.Model.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>Our side of each oracle comparison: the Worker's model run the way the engine runs it.</summary>
internal static class WorkerRun
{
    /// <summary>Float32 logits (V) of the last position after one prefill of <paramref name="tokens"/>.</summary>
    public static float[] LastLogits(LlamaModel model, IReadOnlyList<int> tokens)
    {
        using var inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        using var cache = model.CreateCache(tokens.Count);
        var logits = model.Forward(torch.tensor(tokens.Select(t => (long)t).ToArray()), 0, cache); // (V)
        return logits.data<float>().ToArray();
    }

    /// <summary>Greedy continuation: the prompt in one forward, then one token per step through the KV cache.</summary>
    public static IReadOnlyList<int> Greedy(LlamaModel model, IReadOnlyList<int> prompt, int count)
    {
        using var inference = torch.inference_mode();
        using var cache = model.CreateCache(prompt.Count + count);
        var generated = new List<int>(count);
        IReadOnlyList<int> feed = prompt;
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(torch.tensor(feed.Select(t => (long)t).ToArray()), position, cache); // (V)
            position += feed.Count;
            var next = Sampler.ArgMax(logits.data<float>().ToArray());
            generated.Add(next);
            feed = [next];
        }
        return generated;
    }
}
