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
        "default" or "gpt-2" or "gpt2" or "phi-2" or "roberta-bpe" or "jina-v1-en" or "jina-v2-code" => [Gpt2],
        "llama3" or "llama-v3" or "llama-bpe" or "falcon3" or "pixtral" => [Llama3],
        "qwen2" or "deepseek-r1-qwen" or "megrez" => [Qwen2],
        "smollm" => [SingleDigits, Gpt2],
        _ => null,
    };

    /// <summary>llama.cpp sets <c>ignore_merges</c> for the Llama 3 family, as its tokenizer.json does.</summary>
    public static bool IgnoresMerges(string ggufPre) => ggufPre is "llama3" or "llama-v3" or "llama-bpe" or "falcon3" or "pixtral";
}
