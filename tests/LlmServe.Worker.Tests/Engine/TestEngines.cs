using LlmServe.TestUtilities;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Model;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Engine;

/// <summary>An engine over a real checkpoint (the shared TinyStories one unless another is given), in fp32.</summary>
internal static class TestEngines
{
    private sealed class MeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }

    public static InferenceEngine Create(string? model = null) => Create(new EngineOptions(), model: model);

    /// <summary>
    /// An engine with <paramref name="options"/>; a shorter <paramref name="maxModelLen"/> shrinks the smallest KV cache
    /// the engine accepts (one full-length sequence), so tight caches can force preemption.
    /// </summary>
    public static InferenceEngine Create(EngineOptions options, int? maxModelLen = null, string? model = null)
    {
        var loaded = ModelLoader.Load(model ?? TestModels.Stories260K, ScalarType.Float32);
        var served = maxModelLen is int len
            ? new LoadedModel(loaded.Network, loaded.Tokenizer, loaded.ChatTemplate, len, loaded.EosTokenIds)
            : loaded;
        return new InferenceEngine(served, options, new WorkerMetrics(new MeterFactory()), NullLogger<InferenceEngine>.Instance);
    }

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
