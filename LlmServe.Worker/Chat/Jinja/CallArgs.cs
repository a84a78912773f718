namespace LlmServe.Worker.Chat.Jinja;

/// <summary>The evaluated arguments of a call, filter or test (the filtered or tested value itself is not included).</summary>
internal sealed class CallArgs(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named)
{
    public static readonly CallArgs Empty = new([], new Dictionary<string, object?>());

    public IReadOnlyList<object?> Positional { get; } = positional;
    public IReadOnlyDictionary<string, object?> Named { get; } = named;

    public static CallArgs Of(params object?[] positional) => new(positional, Empty.Named);

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null) =>
        index < Positional.Count ? Positional[index] : Named.TryGetValue(name, out var v) ? v : fallback;

    public bool Has(int index, string name) => index < Positional.Count || Named.ContainsKey(name);

    public string GetString(int index, string name, string function)
    {
        var value = Get(index, name);
        return value as string
            ?? throw new ChatTemplateException($"{function}(): '{name}' must be a string, not {Values.TypeName(value)}");
    }

    public long GetInt(int index, string name, string function, long fallback)
    {
        var value = Get(index, name, fallback);
        return value switch
        {
            long l => l,
            bool b => b ? 1 : 0,
            _ => throw new ChatTemplateException($"{function}(): '{name}' must be an integer, not {Values.TypeName(value)}"),
        };
    }

    /// <summary>Rejects more positional arguments than <paramref name="names"/> and keywords outside it, as Python does.</summary>
    public CallArgs Expect(string function, params string[] names)
    {
        if (Positional.Count > names.Length)
        {
            throw new ChatTemplateException($"{function}() takes at most {names.Length} argument(s) ({Positional.Count} given)");
        }
        foreach (var key in Named.Keys)
        {
            var at = Array.IndexOf(names, key);
            if (at < 0)
            {
                throw new ChatTemplateException($"{function}() got an unexpected keyword argument '{key}'");
            }
            if (at < Positional.Count)
            {
                throw new ChatTemplateException($"{function}() got multiple values for argument '{key}'");
            }
        }
        return this;
    }

    /// <summary>The positional arguments after the first <paramref name="count"/>, keywords kept.</summary>
    public CallArgs Skip(int count) => new(Positional.Skip(count).ToList(), Named);
}
