using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmServe.Worker.Tokenization;

/// <summary>Turns the normalizer and pre-tokenizer sections of a <c>tokenizer.json</c> into code.</summary>
/// <remarks>
/// Unknown components fail loudly: a tokenizer that silently skipped a step would produce plausible but wrong ids.
/// </remarks>
internal static class HfPipelineReader
{
    public static Func<string, string>? ReadNormalizer(JsonElement root, string path)
    {
        if (!root.TryGetProperty("normalizer", out var n) || n.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        return Normalizer(n, path);
    }

    private static Func<string, string> Normalizer(JsonElement n, string path)
    {
        var type = HfTokenizerJson.String(n, "type");
        switch (type)
        {
            case "Sequence":
                var parts = n.GetProperty("normalizers").EnumerateArray().Select(x => Normalizer(x, path)).ToList();
                return s => parts.Aggregate(s, (text, f) => f(text));
            // NOTE: under invariant globalization string.Normalize returns its input, so NFC/NFKC are no-ops here;
            // text that arrives in NFC (nearly all of it) tokenizes as Hugging Face does.
            case "NFC": return s => s.Normalize(NormalizationForm.FormC);
            case "NFD": return s => s.Normalize(NormalizationForm.FormD);
            case "NFKC": return s => s.Normalize(NormalizationForm.FormKC);
            case "NFKD": return s => s.Normalize(NormalizationForm.FormKD);
            case "Lowercase": return s => s.ToLowerInvariant();
            case "Prepend":
                var prefix = HfTokenizerJson.String(n, "prepend") ?? "";
                return s => s.Length == 0 ? s : prefix + s;
            case "Replace":
                var content = HfTokenizerJson.String(n, "content") ?? "";
                var pattern = n.GetProperty("pattern");
                if (HfTokenizerJson.String(pattern, "String") is string literal)
                {
                    return s => s.Replace(literal, content, StringComparison.Ordinal);
                }
                var regex = new Regex(HfTokenizerJson.String(pattern, "Regex") ?? "", RegexOptions.CultureInvariant);
                return s => regex.Replace(s, content);
            case "Strip":
                var (left, right) = (HfTokenizerJson.Flag(n, "strip_left"), HfTokenizerJson.Flag(n, "strip_right"));
                return s => left && right ? s.Trim() : left ? s.TrimStart() : right ? s.TrimEnd() : s;
            default:
                throw new NotSupportedException($"'{path}': normalizer '{type}' is not supported.");
        }
    }

    /// <summary>Whether a ByteLevel pre-tokenizer or decoder makes this a byte-level BPE.</summary>
    public static bool IsByteLevel(JsonElement root) =>
        HfTokenizerJson.Any(root, "pre_tokenizer", IsType("ByteLevel")) || HfTokenizerJson.Any(root, "decoder", IsType("ByteLevel"));

    /// <summary>Whether spaces become "▁" (Metaspace, or a Replace/Prepend normalizer writing it): SentencePiece-style BPE.</summary>
    public static bool UsesMetaspace(JsonElement root) =>
        HfTokenizerJson.Any(root, "pre_tokenizer", IsType("Metaspace")) || HfTokenizerJson.Any(root, "decoder", IsType("Metaspace"))
        || HfTokenizerJson.Any(root, "normalizer", n => (HfTokenizerJson.String(n, "content") ?? HfTokenizerJson.String(n, "prepend")) == "\u2581");

    /// <summary>
    /// Whether the decoder drops a whole text's first space: a Strip decoder of " " from the start (Llama 2, Mistral)
    /// or a Metaspace decoder that prepends one (its <c>prepend_scheme</c>, or the older <c>add_prefix_space</c>).
    /// </summary>
    public static bool DecoderDropsLeadingSpace(JsonElement root) =>
        HfTokenizerJson.Any(root, "decoder", d => HfTokenizerJson.String(d, "type") switch
        {
            "Strip" => HfTokenizerJson.String(d, "content") == " " && d.TryGetProperty("start", out var start) && start.TryGetInt32(out var n) && n > 0,
            "Metaspace" => HfTokenizerJson.String(d, "prepend_scheme") is { } scheme ? scheme != "never" : HfTokenizerJson.Flag(d, "add_prefix_space", true),
            _ => false,
        });

    private static Func<JsonElement, bool> IsType(string type) => e => HfTokenizerJson.String(e, "type") == type;

    /// <summary>The byte-level pre-tokenizer's splits; the byte mapping itself is done by the tokenizer.</summary>
    public static PreTokenizer ReadByteLevelPreTokenizer(JsonElement root, string path)
    {
        var steps = new List<Func<string, IEnumerable<string>>>();
        if (root.TryGetProperty("pre_tokenizer", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            AddSteps(p, steps, path);
        }
        return new PreTokenizer(steps);
    }

    private static void AddSteps(JsonElement p, List<Func<string, IEnumerable<string>>> steps, string path)
    {
        var type = HfTokenizerJson.String(p, "type");
        switch (type)
        {
            case "Sequence":
                foreach (var inner in p.GetProperty("pretokenizers").EnumerateArray())
                {
                    AddSteps(inner, steps, path);
                }
                break;
            case "ByteLevel":
                if (HfTokenizerJson.Flag(p, "add_prefix_space"))
                {
                    steps.Add(PreTokenizer.PrefixSpace);
                }
                if (HfTokenizerJson.Flag(p, "use_regex", fallback: true))
                {
                    steps.Add(new RegexSplit(PreTokenizerPatterns.Gpt2).Split);
                }
                break;
            case "Split":
                if (HfTokenizerJson.Flag(p, "invert"))
                {
                    throw new NotSupportedException($"'{path}': inverted Split pre-tokenizers are not supported.");
                }
                var pattern = p.GetProperty("pattern");
                var regex = HfTokenizerJson.String(pattern, "Regex") ?? Regex.Escape(HfTokenizerJson.String(pattern, "String") ?? "");
                steps.Add(new RegexSplit(regex, Behavior(HfTokenizerJson.String(p, "behavior"), path)).Split);
                break;
            case "Digits":
                var individual = HfTokenizerJson.Flag(p, "individual_digits");
                steps.Add(new RegexSplit(@"\p{N}", individual ? SplitBehavior.Isolated : SplitBehavior.Contiguous).Split);
                break;
            default:
                throw new NotSupportedException($"'{path}': pre-tokenizer '{type}' is not supported with a byte-level BPE model.");
        }
    }

    private static SplitBehavior Behavior(string? name, string path) =>
        Enum.TryParse<SplitBehavior>(name, out var behavior)
            ? behavior
            : throw new NotSupportedException($"'{path}': split behavior '{name}' is not supported.");

    /// <summary>
    /// Gemma's pre-tokenizer: a Split on the string " " that cannot match, because the normalizer has already turned
    /// every space into "▁" (transformers writes it for Gemma; it changes nothing).
    /// </summary>
    private static bool IsSpaceSplitAfterSpacesReplaced(JsonElement root, JsonElement p) =>
        HfTokenizerJson.String(p, "type") == "Split" && p.TryGetProperty("pattern", out var pattern)
        && pattern.ValueKind == JsonValueKind.Object && HfTokenizerJson.String(pattern, "String") == " "
        && HfTokenizerJson.Any(root, "normalizer", n => HfTokenizerJson.String(n, "type") == "Replace"
            && n.TryGetProperty("pattern", out var from) && from.ValueKind == JsonValueKind.Object
            && HfTokenizerJson.String(from, "String") == " " && HfTokenizerJson.String(n, "content") == "\u2581");

    /// <summary>The Metaspace pre-tokenizer of a SentencePiece-style BPE, or null when spaces are handled by the normalizer.</summary>
    public static Metaspace? ReadMetaspace(JsonElement root, string path)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (HfTokenizerJson.String(p, "type") == "Sequence" && p.GetProperty("pretokenizers") is { } list && list.GetArrayLength() == 1)
        {
            p = list[0];
        }
        if (IsSpaceSplitAfterSpacesReplaced(root, p))
        {
            return null;
        }
        if (HfTokenizerJson.String(p, "type") != "Metaspace")
        {
            throw new NotSupportedException($"'{path}': pre-tokenizer '{HfTokenizerJson.String(p, "type")}' is not supported with a SentencePiece-style BPE model.");
        }
        var replacement = HfTokenizerJson.String(p, "replacement") is { Length: 1 } r ? r[0] : '\u2581';
        // Older files say add_prefix_space instead of prepend_scheme.
        var scheme = HfTokenizerJson.String(p, "prepend_scheme") ?? (HfTokenizerJson.Flag(p, "add_prefix_space", fallback: true) ? "always" : "never");
        return new Metaspace(replacement, scheme, HfTokenizerJson.Flag(p, "split", fallback: true));
    }
}
