using LlmServe.Conversion.Gguf;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>
/// The tokens that end generation for a GGUF model, as llama.cpp collects them: EOS, the file's EOT and EOM ids, and
/// every token spelled like a known end-of-turn marker. Chat models often end a turn with a token other than their EOS
/// (Phi-3's <c>&lt;|end|&gt;</c>, Gemma's <c>&lt;end_of_turn&gt;</c>, older Llama 3 conversions' <c>&lt;|eot_id|&gt;</c>),
/// and without these a reply would run to max_tokens.
/// </summary>
internal static class GgufEndOfGeneration
{
    private static readonly HashSet<string> Markers = new(StringComparer.Ordinal)
    {
        "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>",
        "<|endoftext|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    };

    /// <param name="eos">The tokenizer's EOS, when it has one.</param>
    public static int[] Ids(GgufFile file, string[] pieces, int? eos)
    {
        var ids = new SortedSet<int>();
        if (eos is int e)
        {
            ids.Add(e);
        }
        foreach (var key in new[] { "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id" })
        {
            if (GgufTokenizerLoader.OptionalId(file, key, pieces.Length) is int id)
            {
                ids.Add(id);
            }
        }
        for (var i = 0; i < pieces.Length; i++)
        {
            if (Markers.Contains(pieces[i]))
            {
                ids.Add(i);
            }
        }
        // EOS first: it is the one a response's finish reason and the chat template's eos_token name.
        return [.. ids.Where(i => i == eos), .. ids.Where(i => i != eos)];
    }
}
