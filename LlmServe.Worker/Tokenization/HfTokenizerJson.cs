using System.Text.Json;

namespace LlmServe.Worker.Tokenization;

/// <summary>Readers for the vocabulary parts of a Hugging Face <c>tokenizer.json</c>.</summary>
internal static class HfTokenizerJson
{
    public static Dictionary<string, int> ReadVocab(JsonElement model)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            vocab[entry.Name] = entry.Value.GetInt32();
        }
        return vocab;
    }

    /// <summary>Merges in rank order, written as "left right" strings or (since tokenizers 0.20) as pairs.</summary>
    public static List<(string Left, string Right)> ReadMerges(JsonElement model)
    {
        var merges = new List<(string, string)>();
        if (!model.TryGetProperty("merges", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return merges;
        }
        foreach (var merge in array.EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.Array)
            {
                merges.Add((merge[0].GetString() ?? "", merge[1].GetString() ?? ""));
                continue;
            }
            var text = merge.GetString() ?? "";
            var space = text.IndexOf(' ', 1);
            if (space < 0)
            {
                throw new InvalidDataException($"Merge '{text}' is not two tokens separated by a space.");
            }
            merges.Add((text[..space], text[(space + 1)..]));
        }
        return merges;
    }

    public static List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return tokens;
        }
        foreach (var t in array.EnumerateArray())
        {
            tokens.Add(new AddedToken(t.GetProperty("id").GetInt32(), t.GetProperty("content").GetString() ?? "",
                Flag(t, "special"), Flag(t, "lstrip"), Flag(t, "rstrip"), Flag(t, "single_word")));
        }
        return tokens;
    }

    /// <summary>Every id's token text: the model vocabulary, with added tokens (which may lie past it) on top.</summary>
    public static string?[] TokensById(Dictionary<string, int> vocab, IReadOnlyList<AddedToken> added)
    {
        var size = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max() + 1, added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
        var tokens = new string?[size];
        foreach (var (token, id) in vocab)
        {
            tokens[id] = token;
        }
        foreach (var t in added)
        {
            tokens[t.Id] = t.Content;
        }
        return tokens;
    }

    /// <summary>
    /// The token a TemplateProcessing / BertProcessing / RobertaProcessing post-processor puts in front of a single
    /// sequence, if any (Llama 3's "&lt;|begin_of_text|&gt;", BERT's "[CLS]").
    /// </summary>
    public static string? LeadingSpecialToken(JsonElement root) =>
        root.TryGetProperty("post_processor", out var post) && post.ValueKind == JsonValueKind.Object ? LeadingOf(post) : null;

    private static string? LeadingOf(JsonElement post)
    {
        if (post.TryGetProperty("cls", out var cls) && cls.ValueKind == JsonValueKind.Array)
        {
            return cls[0].GetString();
        }
        if (post.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array && single.GetArrayLength() > 0
            && single[0].TryGetProperty("SpecialToken", out var special))
        {
            return special.GetProperty("id").GetString();
        }
        // A Sequence (Llama 3.1: ByteLevel then TemplateProcessing): the first processor that adds one.
        return post.TryGetProperty("processors", out var processors) && processors.ValueKind == JsonValueKind.Array
            ? processors.EnumerateArray().Select(LeadingOf).FirstOrDefault(t => t is not null)
            : null;
    }

    /// <summary>The token a BERT-style post-processor puts after a single sequence ("[SEP]"), if any.</summary>
    public static string? TrailingSpecialToken(JsonElement root)
    {
        if (!root.TryGetProperty("post_processor", out var post) || post.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (post.TryGetProperty("sep", out var sep) && sep.ValueKind == JsonValueKind.Array)
        {
            return sep[0].GetString();
        }
        return post.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array && single.GetArrayLength() > 1
            && single[single.GetArrayLength() - 1].TryGetProperty("SpecialToken", out var special)
            ? special.GetProperty("id").GetString()
            : null;
    }

    /// <summary>Whether any object in the section, nested Sequences included, satisfies <paramref name="predicate"/>.</summary>
    public static bool Any(JsonElement root, string section, Func<JsonElement, bool> predicate) =>
        root.TryGetProperty(section, out var s) && AnyObject(s, predicate);

    private static bool AnyObject(JsonElement element, Func<JsonElement, bool> predicate) => element.ValueKind switch
    {
        JsonValueKind.Object => predicate(element) || element.EnumerateObject().Any(p => AnyObject(p.Value, predicate)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => AnyObject(e, predicate)),
        _ => false,
    };

    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Flag(JsonElement element, string name, bool fallback = false) =>
        element.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
}
