namespace LlmServe.Worker.Tests.Tokenization.Fixtures;

/// <summary>The pipeline sections of a tokenizer.json, each as raw JSON (null writes JSON null).</summary>
internal sealed record TokenizerSections(string? Normalizer = null, string? PreTokenizer = null, string? PostProcessor = null, string? Decoder = null)
{
    public static string ByteLevel(bool useRegex = true) =>
        $$"""{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":{{(useRegex ? "true" : "false")}}}""";

    public static string SplitThenByteLevel(string regex) => SplitsThenByteLevel(regex);

    /// <summary>One isolating Split per regex, in order (how llama.cpp's multi-regex pre-tokenizers apply), then ByteLevel.</summary>
    public static string SplitsThenByteLevel(params string[] regexes) =>
        $$"""{"type":"Sequence","pretokenizers":[{{string.Concat(regexes.Select(Split))}}{{ByteLevel(useRegex: false)}}]}""";

    private static string Split(string regex) =>
        $$"""{"type":"Split","pattern":{"Regex":{{System.Text.Json.JsonSerializer.Serialize(regex)}}},"behavior":"Isolated","invert":false},""";

    /// <summary>A TemplateProcessing that puts <paramref name="token"/> (id <paramref name="id"/>) in front of every sequence.</summary>
    public static string Prefix(string token, int id) =>
        """{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"TOKEN","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"pair":[{"SpecialToken":{"id":"TOKEN","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],"special_tokens":{"TOKEN":{"id":"TOKEN","ids":[ID],"tokens":["TOKEN"]}}}"""
            .Replace("TOKEN", token, StringComparison.Ordinal).Replace("ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
