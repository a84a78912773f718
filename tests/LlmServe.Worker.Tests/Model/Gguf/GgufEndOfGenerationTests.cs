using LlmServe.Conversion.Gguf;
using LlmServe.Worker.Model.Gguf;
using LlmServe.Worker.Tests.Tokenization.Fixtures;

namespace LlmServe.Worker.Tests.Model.Gguf;

public sealed class GgufEndOfGenerationTests
{
    private static readonly string[] Pieces = ["<unk>", "<s>", "</s>", "hello", "<|end|>", "<end_of_turn>", "<|eot_id|>", "<|assistant|>", "end"];

    private static int[] Ids(params (string Key, object Value)[] metadata)
    {
        var path = TokenizerFixtures.Write($"eog-{Guid.NewGuid():N}.gguf", p => GgufMetadataWriter.Write(p,
            [("tokenizer.ggml.tokens", Pieces), .. metadata]));
        using var file = GgufFile.Open(path);
        return GgufEndOfGeneration.Ids(file, Pieces, 2);
    }

    [Fact]
    public void EndOfTurnMarkers_EndGenerationBesidesEos_EosFirst()
    {
        Assert.Equal([2, 4, 5, 6], Ids());
    }

    [Fact]
    public void EotAndEomIds_FromTheFile_AreAdded()
    {
        Assert.Equal([2, 3, 4, 5, 6, 8], Ids(("tokenizer.ggml.eot_token_id", 8u), ("tokenizer.ggml.eom_token_id", 3u)));
    }

    [Fact]
    public void UnsetIds_AreIgnored()
    {
        Assert.Equal([2, 4, 5, 6], Ids(("tokenizer.ggml.eot_token_id", uint.MaxValue)));
    }
}
