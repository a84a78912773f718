using LlmServe.Worker.Engine.StructuredOutput;

namespace LlmServe.Worker.Chat.ToolCalling;

/// <summary>
/// Tool calling for one chat request: the constraint that forces calls (required or named choice), the parse of
/// each finished choice, and a streamer per streamed choice.
/// </summary>
internal sealed class ChatToolCalls(ToolRequest request, ToolCallFormat format)
{
    /// <summary>Forced Hermes calls: at most this many in parallel, so a model that never stops calling still ends.</summary>
    private const int MaxParallelCalls = 4;

    private readonly string[] _names = request.Tools.Select(t => t.Name).ToArray();
    private readonly Dictionary<int, ToolCallStreamer> _streamers = [];

    public ToolRequest Request => request;

    /// <summary>The constraint forcing calls that parse and whose arguments match their schemas; null unless forced.</summary>
    public OutputConstraint? ForcedConstraint()
    {
        if (!request.ForcesCalls)
        {
            return null;
        }
        var tools = request.Callable.Select(t => new ToolCallGrammar.Tool(t.Name, t.Parameters)).ToList();
        // Llama 3.x templates accept one call per message; Hermes puts each call in its own block.
        var grammar = format == ToolCallFormat.Hermes
            ? new ToolCallGrammar($"{ToolCallParser.HermesOpen}\n", $"\n{ToolCallParser.HermesClose}", "arguments", "\n",
                request.Parallel ? MaxParallelCalls : 1, tools)
            : new ToolCallGrammar("", "", "parameters", "; ", 1, tools);
        return grammar.ToConstraint();
    }

    public ParsedOutput Parse(string text) =>
        request.ParsesCalls ? ToolCallParser.Parse(format, text, _names, request.Parallel) : new ParsedOutput(text, []);

    public ToolCallStreamer Streamer(int choice)
    {
        if (!_streamers.TryGetValue(choice, out var streamer))
        {
            streamer = new ToolCallStreamer(format, _names, request.Parallel);
            _streamers[choice] = streamer;
        }
        return streamer;
    }
}
