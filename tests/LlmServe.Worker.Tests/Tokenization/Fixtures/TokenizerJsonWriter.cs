using System.Text.Json;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Tokenization.Fixtures;

/// <summary>Writes Hugging Face <c>tokenizer.json</c> files; pipeline sections are passed as raw JSON.</summary>
internal static class TokenizerJsonWriter
{
    public static void WriteBpe(string path, IReadOnlyDictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges,
        IEnumerable<AddedToken> added, TokenizerSections sections, string modelOptions = "", bool mergesAsPairs = false)
    {
        Write(path, added, sections, w =>
        {
            w.WriteString("type", "BPE");
            WriteRawOptions(w, modelOptions);
            WriteVocab(w, vocab);
            w.WriteStartArray("merges");
            foreach (var (left, right) in merges)
            {
                if (mergesAsPairs)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(left);
                    w.WriteStringValue(right);
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteStringValue($"{left} {right}");
                }
            }
            w.WriteEndArray();
        });
    }

    public static void WriteWordPiece(string path, IReadOnlyList<string> vocab, IEnumerable<AddedToken> added, TokenizerSections sections)
    {
        Write(path, added, sections, w =>
        {
            w.WriteString("type", "WordPiece");
            w.WriteString("unk_token", "[UNK]");
            w.WriteString("continuing_subword_prefix", "##");
            w.WriteNumber("max_input_chars_per_word", 100);
            WriteVocab(w, vocab.Select((t, i) => (t, i)).DistinctBy(x => x.t).ToDictionary(x => x.t, x => x.i));
        });
    }

    private static void Write(string path, IEnumerable<AddedToken> added, TokenizerSections sections, Action<Utf8JsonWriter> model)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        foreach (var t in added)
        {
            w.WriteStartObject();
            w.WriteNumber("id", t.Id);
            w.WriteString("content", t.Content);
            w.WriteBoolean("single_word", t.SingleWord);
            w.WriteBoolean("lstrip", t.LStrip);
            w.WriteBoolean("rstrip", t.RStrip);
            w.WriteBoolean("normalized", !t.Special);
            w.WriteBoolean("special", t.Special);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteSection(w, "normalizer", sections.Normalizer);
        WriteSection(w, "pre_tokenizer", sections.PreTokenizer);
        WriteSection(w, "post_processor", sections.PostProcessor);
        WriteSection(w, "decoder", sections.Decoder);
        w.WriteStartObject("model");
        model(w);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteSection(Utf8JsonWriter w, string name, string? json)
    {
        w.WritePropertyName(name);
        w.WriteRawValue(json ?? "null");
    }

    private static void WriteRawOptions(Utf8JsonWriter w, string options)
    {
        if (options.Length == 0)
        {
            return;
        }
        using var doc = JsonDocument.Parse($"{{{options}}}");
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            p.WriteTo(w);
        }
    }

    private static void WriteVocab(Utf8JsonWriter w, IReadOnlyDictionary<string, int> vocab)
    {
        w.WriteStartObject("vocab");
        foreach (var (token, id) in vocab.OrderBy(kv => kv.Value))
        {
            w.WriteNumber(token, id);
        }
        w.WriteEndObject();
    }
}
