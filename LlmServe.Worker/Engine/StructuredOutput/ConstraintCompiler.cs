using System.Collections.Concurrent;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>
/// Compiles constraints for one tokenizer, once per distinct spec: later requests with the same schema reuse the
/// automaton and its per-state token masks.
/// </summary>
internal sealed class ConstraintCompiler(ITokenizer tokenizer)
{
    private readonly Lazy<TokenTrie> _trie = new(() => new TokenTrie(tokenizer));
    private readonly ConcurrentDictionary<OutputConstraint, Lazy<TokenMasker>> _cache = new();

    public TokenMasker Compile(OutputConstraint constraint)
    {
        var lazy = _cache.GetOrAdd(constraint, c => new Lazy<TokenMasker>(() => new TokenMasker(new LazyDfa(Nfa.Build(c.ToRx())), _trie.Value)));
        try
        {
            return lazy.Value;
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or FormatException)
        {
            _cache.TryRemove(constraint, out _);
            throw new ArgumentException(ex.Message, ex);
        }
    }
}
