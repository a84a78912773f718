using System.Collections.Concurrent;
using LlmServe.Checkpoints.Gguf;
using LlmServe.Checkpoints.HuggingFace;
using LlmServe.Checkpoints.Random;
using LlmServe.Checkpoints.Vocab;
using LlmServe.TestUtilities;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>Writes random checkpoints into a temporary folder, once per name, and deletes the folder afterwards.</summary>
public sealed class RandomCheckpointFixture : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("llmserve-oracle-").FullName;
    private readonly ConcurrentDictionary<string, Lazy<string>> _files = new(StringComparer.Ordinal);
    private readonly Lazy<Vocabulary> _vocabulary = new(() => Vocabulary.FromGguf(TestModels.Stories260K));

    internal Vocabulary Vocabulary => _vocabulary.Value;

    /// <summary>
    /// The GGUF file of <paramref name="name"/> (see <see cref="OracleSpecs"/>, or <paramref name="spec"/>), written on
    /// first use with the stories260K vocabulary unless another is given.
    /// </summary>
    internal string Gguf(string name, RandomCheckpointSpec? spec = null, Vocabulary? vocabulary = null) =>
        Write($"{name}.gguf", path => GgufCheckpointWriter.Write(spec ?? OracleSpecs.Get(name), path, vocabulary ?? Vocabulary));

    /// <summary>The Hugging Face folder of <paramref name="name"/>, written on first use.</summary>
    internal string HuggingFace(string name, RandomCheckpointSpec? spec = null) =>
        Write($"{name}-hf", path => HfCheckpointWriter.Write(spec ?? OracleSpecs.Get(name), path, Vocabulary));

    private string Write(string fileName, Action<string> write) =>
        _files.GetOrAdd(fileName, f => new Lazy<string>(() =>
        {
            var path = Path.Combine(_root, f);
            write(path);
            return path;
        })).Value;

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
