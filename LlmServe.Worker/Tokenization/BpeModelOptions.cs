namespace LlmServe.Worker.Tokenization;

/// <summary>The switches of a Hugging Face BPE model (<c>tokenizer.json</c> "model" section).</summary>
/// <param name="IgnoreMerges">A word that is itself a vocabulary entry becomes that token without merging (Llama 3).</param>
/// <param name="ByteFallback">Unknown characters become their UTF-8 byte tokens "&lt;0xNN&gt;" (Llama 2, Mistral).</param>
/// <param name="UnkId">The unknown token, used when byte fallback is off or a byte token is missing.</param>
/// <param name="FuseUnk">Consecutive unknown characters give one unknown token.</param>
internal sealed record BpeModelOptions(bool IgnoreMerges = false, bool ByteFallback = false, int? UnkId = null, bool FuseUnk = false);
