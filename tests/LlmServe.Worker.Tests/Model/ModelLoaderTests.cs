using LlmServe.TestUtilities;
using LlmServe.Worker.Model;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model;

public sealed class ModelLoaderTests
{
    [Fact]
    public void Load_ReportsEveryDecoderLayerInOrder()
    {
        var progress = new Recorder();

        using var model = ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32, progress: progress);

        var layers = model.Network.Config.NumLayers;
        Assert.Equal(Enumerable.Range(1, layers).Select(i => new LayerProgress(i, layers)), progress.Reports);
        Assert.Equal(100, progress.Reports[^1].Percent);
    }

    /// <summary>Records reports on the reporting thread (Progress&lt;T&gt; would post them elsewhere, out of order).</summary>
    private sealed class Recorder : IProgress<LayerProgress>
    {
        public List<LayerProgress> Reports { get; } = [];

        public void Report(LayerProgress value) => Reports.Add(value);
    }
}
