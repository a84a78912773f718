namespace LlmServe.Worker.Tokenization;

/// <summary>The pre-tokenizer regular expressions of the byte-level BPE families, and GGUF's names for them.</summary>
internal static class PreTokenizerPatterns
{
    /// <summary>GPT-2's pattern; also what a Hugging Face ByteLevel pre-tokenizer with <c>use_regex</c> applies.</summary>
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>cl100k_base's pattern, which Llama 3 uses unchanged: numbers in groups of up to three digits.</summary>
    public const string Llama3 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2's pattern: Llama 3's with every digit on its own.</summary>
    public const string Qwen2 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Hugging Face's Digits(individual_digits=true) split, run before GPT-2's pattern by SmolLM.</summary>
    public const string SingleDigits = @"\p{N}";

    /// <summary>o200k_base's pattern (GPT-4o; Phi-4-mini): case-aware words with their contractions, numbers in threes.</summary>
    public const string O200k =
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
        + @"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
        + @"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Mistral's Tekken (Mistral Nemo, Pixtral-era models): o200k's words without contractions, single digits.</summary>
    public const string Tekken =
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+"
        + @"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*"
        + @"|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Seed-Coder's pattern: Qwen2's with runs of punctuation that stop at line breaks.</summary>
    public const string SeedCoder =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}\r\n]+|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>DeepSeek Coder's splits, applied in turn: line breaks, words, punctuation runs, CJK runs, digits.</summary>
    public static readonly string[] DeepSeekCoder = [@"[\r\n]", @"\s?\p{L}+", @"\s?\p{P}+", "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+", @"\p{N}"];

    /// <summary>DeepSeek V3's splits: numbers in threes, CJK and kana runs, then words and punctuation.</summary>
    public static readonly string[] DeepSeekV3 =
    [
        @"\p{N}{1,3}", "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
        @"[!""#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    ];

    /// <summary>
    /// The splits for a GGUF <c>tokenizer.ggml.pre</c> name (llama.cpp's <c>llama_vocab_pre_type</c> families), or
    /// null when the name is unknown. Whether the family also ignores merges for whole-vocabulary words is
    /// <see cref="IgnoresMerges"/>.
    /// </summary>
    /// <remarks>
    /// NOTE: llama.cpp's own "default" splits slightly differently from GPT-2 (punctuation runs first); converted
    /// GPT-2-style models that say "default" were tokenized with GPT-2's pattern in Hugging Face, which is used here.
    /// </remarks>
    public static string[]? ForGgufPre(string name) => name switch
    {
        "default" or "gpt-2" or "gpt2" or "phi-2" or "roberta-bpe" or "jina-v1-en" or "jina-v2-code" or "mpt" or "olmo" or "jais"
            or "trillion" or "granite-docling" => [Gpt2],
        "llama3" or "llama-v3" or "llama-bpe" or "falcon3" or "falcon-h1" or "pixtral" or "midm-2.0" or "lfm2"
            or "dbrx" or "smaug-bpe" or "chatglm-bpe" => [Llama3],
        "qwen2" or "deepseek-r1-qwen" or "megrez" or "stablelm2" or "hunyuan" or "grok-2" => [Qwen2],
        "smollm" or "starcoder" or "refact" or "command-r" or "codeshell" or "exaone" or "minerva-7b" => [SingleDigits, Gpt2],
        "gpt-4o" or "llama4" or "minimax-m2" => [O200k],
        "tekken" => [Tekken],
        "seed-coder" => [SeedCoder],
        "deepseek-coder" => DeepSeekCoder,
        "deepseek-v3" => DeepSeekV3,
        _ => null,
    };

    /// <summary>llama.cpp sets <c>ignore_merges</c> for the Llama 3 family and Tekken, as their tokenizer.json files do.</summary>
    public static bool IgnoresMerges(string ggufPre) =>
        ggufPre is "llama3" or "llama-v3" or "llama-bpe" or "falcon3" or "falcon-h1" or "pixtral" or "midm-2.0" or "lfm2" or "tekken";
}
