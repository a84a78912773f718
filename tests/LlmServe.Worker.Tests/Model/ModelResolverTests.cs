using LlmServe.Conversion.MiniLm;
using LlmServe.TestUtilities;
using LlmServe.Worker.Model;
using LlmServe.Worker.Tests.Model.Bert;

namespace LlmServe.Worker.Tests.Model;

public sealed class ModelResolverTests(MiniLmFixture minilm) : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("llmserve-hub-").FullName;

    [Fact]
    public void Resolve_Gguf_IsGenerative()
    {
        Assert.Equal(ModelKind.Generative, ModelResolver.Resolve(TestModels.Stories260K, _cache).Kind);
    }

    [Fact]
    public void Resolve_BertFolder_IsEmbedding()
    {
        Assert.Equal(new ResolvedModel(minilm.Folder, ModelKind.Embedding), ModelResolver.Resolve(minilm.Folder, _cache));
    }

    [Fact]
    public void Resolve_MiniLmHubId_ConvertsIntoTheCacheOnce()
    {
        var first = ModelResolver.Resolve(MiniLmConverter.ModelId, _cache);
        var written = File.GetLastWriteTimeUtc(Path.Combine(first.Path, "model.safetensors"));
        var second = ModelResolver.Resolve(MiniLmConverter.ModelId, _cache);

        var repo = Path.Combine(_cache, "models--sentence-transformers--all-MiniLM-L6-v2");
        Assert.Equal(Path.Combine(repo, "snapshots", "nuget-24.9.52193"), first.Path);
        Assert.Equal("nuget-24.9.52193", File.ReadAllText(Path.Combine(repo, "refs", "main")));
        Assert.Equal(ModelKind.Embedding, first.Kind);
        Assert.Equal(first, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(second.Path, "model.safetensors")));
    }

    [Fact]
    public void Resolve_HubIdInCache_UsesTheSnapshotRefsMainNames()
    {
        var snapshot = Path.Combine(_cache, "models--acme--tiny-bert", "snapshots", "abc123");
        TinyBertCheckpoint.Write(snapshot);
        Directory.CreateDirectory(Path.Combine(_cache, "models--acme--tiny-bert", "refs"));
        File.WriteAllText(Path.Combine(_cache, "models--acme--tiny-bert", "refs", "main"), "abc123\n");

        Assert.Equal(new ResolvedModel(snapshot, ModelKind.Embedding), ModelResolver.Resolve("acme/tiny-bert", _cache));
    }

    [Fact]
    public void Resolve_HubIdNotInCache_NamesTheCacheItLookedIn()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ModelResolver.Resolve("acme/absent", _cache));

        Assert.Contains("not in the hub cache", ex.Message);
        Assert.Contains(_cache, ex.Message);
    }

    [Theory]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2", true)]
    [InlineData("Qwen/Qwen2.5-0.5B", true)]
    [InlineData("model.gguf", false)]
    [InlineData("models/stories.gguf", false)]
    [InlineData("/abs/path", false)]
    [InlineData("a/b/c", false)]
    [InlineData("./x", false)]
    public void IsHubId_RecognisesOwnerSlashName(string reference, bool expected)
    {
        Assert.Equal(expected, ModelResolver.IsHubId(reference));
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
