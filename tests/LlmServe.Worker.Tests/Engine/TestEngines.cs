using LlmServe.TestUtilities;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Model;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Engine;

/// <summary>An engine over a real checkpoint (the shared TinyStories one unless another is given), in fp32 unless told otherwise.</summary>
internal static class TestEngines
{
    private sealed class MeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }

    /// <summary>Sixteen prompts of different lengths, for batches of different requests.</summary>
    public static readonly string[] StoryPrompts =
    [
        "Once upon a time", "The little dog", "Lily and Tom went to the park", "One day, a big bird",
        "Tim had a red ball", "The sun was hot", "Mom said", "There was a small cat who liked to play with yarn",
        "Sam", "The boy ran to the tree and saw", "A girl named Sue", "In the garden there were many flowers",
        "The fish", "Ben wanted a toy", "It was a rainy day", "The old man smiled at the kids and said",
    ];

    public static InferenceEngine Create(string? model = null) => Create(new EngineOptions(), model: model);

    /// <summary>
    /// An engine with <paramref name="options"/>; a shorter <paramref name="maxModelLen"/> shrinks the smallest KV cache
    /// the engine accepts (one full-length sequence), so tight caches can force preemption.
    /// </summary>
    public static InferenceEngine Create(EngineOptions options, int? maxModelLen = null, string? model = null, ScalarType dtype = ScalarType.Float32)
    {
        var loaded = ModelLoader.Load(model ?? TestModels.Stories260K, dtype);
        var served = maxModelLen is int len
            ? new LoadedModel(loaded.Network, loaded.Tokenizer, loaded.ChatTemplate, len, loaded.EosTokenIds)
            : loaded;
        return new InferenceEngine(served, options, new WorkerMetrics(new MeterFactory()), NullLogger<InferenceEngine>.Instance);
    }

    /// <summary>The tokens <paramref name="prompt"/> (encoded with BOS as the model wants) generates, once it has finished.</summary>
    public static Task<List<int>> GenerateAsync(InferenceEngine engine, string prompt, SamplingParams sampling) =>
        CollectAsync(engine.Submit(Guid.NewGuid().ToString("N"), engine.Model.Tokenizer.Encode(prompt, true), sampling,
            TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

    /// <summary>Every token the request generates, in order, once it has finished.</summary>
    public static async Task<List<int>> CollectAsync(GenerationRequest request, CancellationToken ct)
    {
        var tokens = new List<int>();
        await foreach (var e in request.Output.Reader.ReadAllAsync(ct))
        {
            if (e.TokenId is int t)
            {
                tokens.Add(t);
            }
        }
        return tokens;
    }
}
