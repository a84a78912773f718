using LlmServe.TestUtilities;
using LlmServe.Worker.Model;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>The pretrained stories260K checkpoint loaded once per test class, in our Worker and in llama.cpp.</summary>
public sealed class Stories260KFixture : IDisposable
{
    internal LoadedModel Model { get; } = ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32);
    internal LlamaCppOracle Oracle { get; } = new(TestModels.Stories260K);

    public void Dispose()
    {
        Model.Dispose();
        Oracle.Dispose();
    }
}
