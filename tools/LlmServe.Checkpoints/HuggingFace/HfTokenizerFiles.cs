using System.Text.Json.Nodes;
using LlmServe.Checkpoints.Vocab;

namespace LlmServe.Checkpoints.HuggingFace;

/// <summary>
/// tokenizer.json and tokenizer_config.json for a SentencePiece-BPE vocabulary, shaped like transformers'
/// LlamaConverter output: BPE with byte fallback, "▁" for spaces, BOS added by the post-processor.
/// </summary>
internal static class HfTokenizerFiles
{
    private const string SpaceMarker = "\u2581";

    public static JsonObject TokenizerJson(Vocabulary v)
    {
        var bos = v.Tokens[v.BosId];
        var special = Enumerable.Range(0, v.Size).Where(i => v.TokenTypes[i] is Vocabulary.Control or Vocabulary.Unknown);
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(special.Select(i => (JsonNode)new JsonObject
            {
                ["id"] = i, ["content"] = v.Tokens[i], ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            }).ToArray()),
            ["normalizer"] = Sequence("normalizers",
                new JsonObject { ["type"] = "Prepend", ["prepend"] = SpaceMarker },
                Replace(" ", SpaceMarker)),
            ["pre_tokenizer"] = null,
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(SpecialPiece(bos), SequencePiece("A")),
                ["pair"] = new JsonArray(SpecialPiece(bos), SequencePiece("A"), SpecialPiece(bos), SequencePiece("B")),
                ["special_tokens"] = new JsonObject
                {
                    [bos] = new JsonObject { ["id"] = bos, ["ids"] = new JsonArray(v.BosId), ["tokens"] = new JsonArray(bos) },
                },
            },
            ["decoder"] = Sequence("decoders",
                Replace(SpaceMarker, " "),
                new JsonObject { ["type"] = "ByteFallback" },
                new JsonObject { ["type"] = "Fuse" },
                new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 }),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = v.Tokens[v.UnknownId],
                ["continuing_subword_prefix"] = null, ["end_of_word_suffix"] = null,
                ["fuse_unk"] = true, ["byte_fallback"] = true, ["ignore_merges"] = false,
                ["vocab"] = new JsonObject(Enumerable.Range(0, v.Size).Select(i => KeyValuePair.Create(v.Tokens[i], (JsonNode?)i))),
                ["merges"] = new JsonArray(Merges(v).Select(m => (JsonNode)new JsonArray(m.Left, m.Right)).ToArray()),
            },
        };
    }

    public static JsonObject TokenizerConfig(Vocabulary v, int maxLength) => new()
    {
        ["tokenizer_class"] = "LlamaTokenizer",
        ["add_bos_token"] = true,
        ["add_eos_token"] = false,
        ["bos_token"] = v.Tokens[v.BosId],
        ["eos_token"] = v.Tokens[v.EosId],
        ["unk_token"] = v.Tokens[v.UnknownId],
        ["model_max_length"] = maxLength,
        ["clean_up_tokenization_spaces"] = false,
        ["legacy"] = true,
    };

    /// <summary>
    /// BPE merges recovered from a scored vocabulary, as transformers' SentencePieceExtractor does: every split of a
    /// normal piece into two vocabulary pieces, ranked by the merged piece's score (highest first).
    /// </summary>
    public static IReadOnlyList<(string Left, string Right)> Merges(Vocabulary v)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < v.Size; i++)
        {
            if (v.TokenTypes[i] == Vocabulary.Normal)
            {
                ids.TryAdd(v.Tokens[i], i);
            }
        }
        var merges = new List<(string Left, string Right, int Merged, int LeftId, int RightId)>();
        foreach (var (piece, id) in ids)
        {
            // Split between Unicode code points, as sentencepiece does (a surrogate pair stays whole).
            var split = 0;
            foreach (var rune in piece.EnumerateRunes().SkipLast(1))
            {
                split += rune.Utf16SequenceLength;
                var left = piece[..split];
                var right = piece[split..];
                if (ids.TryGetValue(left, out var l) && ids.TryGetValue(right, out var r))
                {
                    merges.Add((left, right, id, l, r));
                }
            }
        }
        return merges
            .OrderByDescending(m => v.Scores[m.Merged]).ThenBy(m => m.Merged).ThenBy(m => m.LeftId).ThenBy(m => m.RightId)
            .Select(m => (m.Left, m.Right))
            .ToList();
    }

    private static JsonObject Sequence(string key, params JsonNode[] items) => new() { ["type"] = "Sequence", [key] = new JsonArray(items) };

    private static JsonObject Replace(string from, string to) =>
        new() { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = from }, ["content"] = to };

    private static JsonObject SpecialPiece(string id) => new() { ["SpecialToken"] = new JsonObject { ["id"] = id, ["type_id"] = 0 } };

    private static JsonObject SequencePiece(string id) => new() { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = 0 } };
}
