using LlmServe.Worker.Tests.Tokenization.Fixtures;
using LlmServe.Worker.Tokenization;
using Microsoft.ML.Tokenizers;

namespace LlmServe.Worker.Tests.Tokenization;

/// <summary>
/// Byte-level BPE against two independent implementations: tiktoken's (Microsoft.ML.Tokenizers, which matches GPT-2
/// and cl100k_base exactly) and Hugging Face tokenizers itself reading the same tokenizer.json.
/// </summary>
public sealed class ByteLevelBpeTokenizerTests
{
    private static readonly Lazy<ITokenizer> Gpt2 = TokenizerFixtures.Gpt2Tokenizer;
    private static readonly Lazy<ITokenizer> Llama3 = new(() => HfTokenizerLoader.Load(TokenizerFixtures.Llama3Json.Value, null));
    private static readonly Lazy<ITokenizer> Qwen2 = new(() => HfTokenizerLoader.Load(TokenizerFixtures.QwenJson.Value, TokenizerFixtures.QwenConfigJson.Value));

    [Fact]
    public void Encode_Gpt2Corpus_MatchesTiktokenAndHuggingFace()
    {
        var tiktoken = TiktokenTokenizer.CreateForModel("gpt2");
        using var hf = new HfOracle(TokenizerFixtures.Gpt2Json.Value);

        Parity.AssertSame("tiktoken", TokenizerCorpus.ForDotNetRegexOracles, t => tiktoken.EncodeToIds(t), t => Gpt2.Value.Encode(t, addSpecial: false));
        Parity.AssertSame("Hugging Face", TokenizerCorpus.Texts, hf.Encode, t => Gpt2.Value.Encode(t, addSpecial: true));
    }

    [Fact]
    public void Encode_Llama3RegexOverCl100k_MatchesTiktokenAndHuggingFace()
    {
        var tiktoken = TiktokenTokenizer.CreateForModel("gpt-4");
        using var hf = new HfOracle(TokenizerFixtures.Llama3Json.Value);

        Parity.AssertSame("tiktoken", TokenizerCorpus.ForDotNetRegexOracles, t => tiktoken.EncodeToIds(t), t => Llama3.Value.Encode(t, addSpecial: false));
        // The template post-processor adds <|begin_of_text|>, which addSpecial reproduces.
        Parity.AssertSame("Hugging Face", TokenizerCorpus.Texts, hf.Encode, t => Llama3.Value.Encode(t, addSpecial: true));
    }

    [Fact]
    public void Encode_Qwen2RegexAndAddedTokens_MatchHuggingFace()
    {
        var hf = TokenizerFixtures.QwenOracle.Value;
        string[] added =
        [
            "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
            "a<|im_start|><|im_end|>b<|im_start|>",
            "call <tool_call>{\"name\": \"f\"}</tool_call> done",
            "text   <mask> after", "text <pad>   after", "a wørd, swørdfish, wørd_x, wørds wørd",
            "<|im_start", "<|im_start|", "|im_end|>", "<<|im_end|>>",
        ];

        Parity.AssertSame("Hugging Face", TokenizerCorpus.Texts.Concat(added), hf.Encode, t => Qwen2.Value.Encode(t, addSpecial: true));
        foreach (var text in TokenizerCorpus.Texts.Concat(added))
        {
            // Both skip special tokens when decoding.
            Assert.Equal(hf.Decode(hf.Encode(text)), Qwen2.Value.Decode(Qwen2.Value.Encode(text, addSpecial: true)));
        }
    }

    [Fact]
    public void Encode_ChatMlMarkers_BecomeSingleIds()
    {
        var tokenizer = Qwen2.Value;

        var ids = tokenizer.Encode("<|im_start|>user\nhi<|im_end|>", addSpecial: true);

        // The markers are one id each; "user\nhi" in between is encoded exactly as on its own ("user", "\n", "hi").
        Assert.Equal([TokenizerFixtures.ImStart, .. tokenizer.Encode("user\nhi", false), TokenizerFixtures.ImEnd], ids);
        Assert.Equal(5, ids.Count);
        Assert.True(tokenizer.IsControl(TokenizerFixtures.ImStart));
        Assert.Equal(TokenizerFixtures.ImEnd, tokenizer.EosId);
        Assert.False(tokenizer.AddBos);
    }

    [Fact]
    public void Decode_Corpus_RoundTripsAndStreamsLikeBatchDecode()
    {
        foreach (var tokenizer in new[] { Gpt2.Value, Llama3.Value, Qwen2.Value })
        {
            foreach (var text in TokenizerCorpus.Texts)
            {
                var ids = tokenizer.Encode(text, addSpecial: true);
                var detokenizer = new IncrementalDetokenizer(tokenizer);
                var streamed = string.Concat(ids.Select(detokenizer.Push)) + detokenizer.Flush();

                Assert.Equal(text, tokenizer.Decode(ids));
                Assert.Equal(text, streamed);
            }
        }
    }

    [Fact]
    public void Decode_SpecialTokens_ContributeNothing()
    {
        var tokenizer = Qwen2.Value;

        var ids = tokenizer.Encode("<|im_start|>user\nhi<|im_end|><tool_call>", addSpecial: true);

        // Like skip_special_tokens=True: control markers vanish, the non-special added token stays.
        Assert.Equal("user\nhi<tool_call>", tokenizer.Decode(ids));
    }

    [Fact]
    public void Encode_Llama3_AddsBeginOfTextOnlyWithAddSpecial()
    {
        Assert.Equal(TokenizerFixtures.Llama3BeginOfText, Llama3.Value.BosId);
        Assert.True(Llama3.Value.AddBos);
        Assert.Equal(TokenizerFixtures.Llama3BeginOfText, Llama3.Value.Encode("Hi", addSpecial: true)[0]);
        Assert.NotEqual(TokenizerFixtures.Llama3BeginOfText, Llama3.Value.Encode("Hi", addSpecial: false)[0]);
    }
}
