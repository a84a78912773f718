using LlmServe.Worker.Model.Bert;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Bert;

public sealed class BertLoaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("llmserve-bert-").FullName;

    [Fact]
    public void Load_WithAndWithoutBertPrefix_GivesTheSameEmbeddings()
    {
        TinyBertCheckpoint.Write(Path.Combine(_root, "bare"));
        TinyBertCheckpoint.Write(Path.Combine(_root, "prefixed"), prefix: "bert.");
        IReadOnlyList<int>[] batch = [[1, 5, 7, 2], [1, 3, 2]];

        using var bare = BertLoader.Load(Path.Combine(_root, "bare"), ScalarType.Float32);
        using var prefixed = BertLoader.Load(Path.Combine(_root, "prefixed"), ScalarType.Float32);

        var a = bare.Encode(batch);
        var b = prefixed.Encode(batch);
        Assert.Equal(TinyBertCheckpoint.Hidden, a[0].Length);
        Assert.Equal(a.SelectMany(x => x), b.SelectMany(x => x));
    }

    [Fact]
    public void Load_MissingTensor_NamesFileAndTensor()
    {
        TinyBertCheckpoint.Write(_root, omit: "encoder.layer.1.attention.self.key.bias");

        var ex = Assert.Throws<InvalidDataException>(() => BertLoader.Load(_root, ScalarType.Float32));

        Assert.Contains("model.safetensors", ex.Message);
        Assert.Contains("'encoder.layer.1.attention.self.key.bias'", ex.Message);
    }

    [Fact]
    public void Load_WrongShape_NamesTensorAndBothShapes()
    {
        TinyBertCheckpoint.Write(_root, misshape: "encoder.layer.0.intermediate.dense.weight");

        var ex = Assert.Throws<InvalidDataException>(() => BertLoader.Load(_root, ScalarType.Float32));

        Assert.Contains("model.safetensors", ex.Message);
        Assert.Contains("'encoder.layer.0.intermediate.dense.weight' has shape [16, 8, 1], expected [16, 8]", ex.Message);
    }

    [Fact]
    public void Load_NoSafetensors_SaysWhatIsMissing()
    {
        TinyBertCheckpoint.Write(_root);
        File.Delete(Path.Combine(_root, "model.safetensors"));

        var ex = Assert.Throws<FileNotFoundException>(() => BertLoader.Load(_root, ScalarType.Float32));

        Assert.Contains("model.safetensors", ex.Message);
    }

    [Fact]
    public void Encode_TokenOutsideVocabulary_Throws()
    {
        TinyBertCheckpoint.Write(_root);
        using var encoder = BertLoader.Load(_root, ScalarType.Float32);

        Assert.Throws<ArgumentException>(() => encoder.Encode([[1, TinyBertCheckpoint.Vocab]]));
        Assert.Throws<ArgumentException>(() => encoder.Encode([[]]));
        Assert.Throws<ArgumentException>(() => encoder.Encode([[.. Enumerable.Repeat(1, TinyBertCheckpoint.Positions + 1)]]));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
