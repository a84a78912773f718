using System.Globalization;
using System.Text;
using LlmServe.Rag.Retrieval;

namespace LlmServe.Rag.Generation;

/// <summary>Builds the chat messages of a grounded answer: numbered sources, then the question.</summary>
internal static class PromptBuilder
{
    public const string SystemInstruction =
        "Answer the question using only the numbered sources. Cite each source you use as [n], for example [1]. "
        + "If the sources do not contain the answer, say that you do not know.";

    /// <summary>
    /// A system message with the instruction and a user message shaped as
    /// <c>Sources:\n[1] title: text\n[2] ...\n\nQuestion: ...</c>. Source n is <paramref name="sources"/>[n - 1].
    /// </summary>
    public static IReadOnlyList<ChatMessage> Build(string question, IReadOnlyList<RetrievedChunk> sources)
    {
        var user = new StringBuilder("Sources:\n");
        if (sources.Count == 0)
        {
            user.Append("(no matching sources)\n");
        }
        for (var i = 0; i < sources.Count; i++)
        {
            var chunk = sources[i].Chunk;
            user.Append(CultureInfo.InvariantCulture, $"[{i + 1}] {SourceTitle(chunk.Title, chunk.Heading)}: {chunk.Text}\n");
        }
        user.Append(CultureInfo.InvariantCulture, $"\nQuestion: {question}\nAnswer, citing sources as [n]:");
        return [new ChatMessage("system", SystemInstruction), new ChatMessage("user", user.ToString())];
    }

    /// <summary>The document title, followed by the section heading when it adds something.</summary>
    public static string SourceTitle(string title, string? heading) =>
        string.IsNullOrEmpty(heading) || string.Equals(heading, title, StringComparison.Ordinal) ? title : $"{title} > {heading}";
}
