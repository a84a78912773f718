using System.Text.Json;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Api;

/// <summary>
/// OpenAI's embeddings <c>input</c>: a string, an array of strings, an array of token ids or an array of arrays
/// of token ids, turned into token-id sequences. Token ids are taken as they are (no [CLS]/[SEP] added), as OpenAI
/// and vLLM do; text is tokenized with the model's special tokens.
/// </summary>
internal static class EmbeddingInput
{
    /// <summary>OpenAI's limit on inputs per request.</summary>
    public const int MaxInputs = 2048;

    public static List<IReadOnlyList<int>> Parse(JsonElement root, ITokenizer? tokenizer, int vocabSize)
    {
        if (JsonFields.IsAbsent(root, "input", out var input))
        {
            throw new RequestValidationException("input", "'input' is required.");
        }
        if (input.ValueKind == JsonValueKind.String)
        {
            return [Encode(input, tokenizer)];
        }
        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            throw new RequestValidationException("input",
                "'input' must be a non-empty string, array of strings, array of token ids or array of arrays of token ids.");
        }
        var items = input.EnumerateArray().ToList();
        if (items.All(i => i.ValueKind == JsonValueKind.Number))
        {
            return [Ids(items, vocabSize)];
        }
        if (items.Count > MaxInputs)
        {
            throw new RequestValidationException("input", $"'input' holds {items.Count} items; at most {MaxInputs} are allowed per request.");
        }
        if (items.All(i => i.ValueKind == JsonValueKind.String))
        {
            return [.. items.Select(i => Encode(i, tokenizer))];
        }
        if (items.All(i => i.ValueKind == JsonValueKind.Array))
        {
            return [.. items.Select(i => Ids([.. i.EnumerateArray()], vocabSize))];
        }
        throw new RequestValidationException("input", "'input' must not mix strings, token ids and arrays.");
    }

    private static IReadOnlyList<int> Encode(JsonElement text, ITokenizer? tokenizer)
    {
        var value = text.GetString()!; // a JSON string
        if (value.Length == 0)
        {
            throw new RequestValidationException("input", "'input' must not contain empty strings.");
        }
        return tokenizer is not null ? tokenizer.Encode(value, addSpecial: true)
            : throw new RequestValidationException("input",
                "This replica has no text tokenizer for this model yet; send token ids (an array of integers, or of arrays of integers).");
    }

    private static IReadOnlyList<int> Ids(List<JsonElement> items, int vocabSize)
    {
        if (items.Count == 0)
        {
            throw new RequestValidationException("input", "'input' must not contain empty token arrays.");
        }
        return items.All(i => i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var id) && id >= 0 && id < vocabSize)
            ? [.. items.Select(i => i.GetInt32())]
            : throw new RequestValidationException("input", $"Token ids in 'input' must be integers from 0 to {vocabSize - 1}.");
    }
}
