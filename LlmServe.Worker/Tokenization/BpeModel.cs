using System.Collections.Concurrent;
using System.Text;

namespace LlmServe.Worker.Tokenization;

/// <summary>
/// The BPE model of Hugging Face <c>tokenizers</c>: a word starts as one symbol per character and the adjacent pair
/// with the lowest merge rank (leftmost on ties) is merged until no listed merge applies.
/// </summary>
/// <remarks>
/// Only pairs listed in the merges take part: unlike SentencePiece scoring, two symbols whose concatenation is in the
/// vocabulary stay apart unless that exact pair was listed. Characters missing from the vocabulary become their
/// UTF-8 byte tokens "&lt;0xNN&gt;" with <c>byte_fallback</c>, else the unknown token (runs fused when
/// <c>fuse_unk</c>), else they are dropped, as in Hugging Face.
/// </remarks>
internal sealed class BpeModel
{
    // Hugging Face's default word cache size; past it words are merged every time rather than evicting.
    private const int CacheCapacity = 10_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(int Left, int Right), (int Rank, int Id)> _merges;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly int[]? _byteTokens;

    public BpeModel(Dictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges, BpeModelOptions options)
    {
        _vocab = vocab;
        Options = options;
        _merges = [];
        var rank = 0;
        var buffer = new char[64];
        foreach (var (left, right) in merges)
        {
            // Looked up as a span: a 280k-merge vocabulary (Llama 3) would otherwise allocate every concatenation.
            if (buffer.Length < left.Length + right.Length)
            {
                buffer = new char[left.Length + right.Length];
            }
            left.CopyTo(buffer);
            right.CopyTo(buffer.AsSpan(left.Length));
            if (!vocab.TryGetValue(left, out var l) || !vocab.TryGetValue(right, out var r)
                || !TryGetId(buffer.AsSpan(0, left.Length + right.Length), out var id))
            {
                throw new InvalidDataException($"Merge {rank} ('{left}' '{right}') refers to a token missing from the vocabulary.");
            }
            _merges.TryAdd((l, r), (rank++, id));
        }
        if (options.ByteFallback)
        {
            _byteTokens = new int[256];
            for (var b = 0; b < 256; b++)
            {
                _byteTokens[b] = vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
            }
        }
    }

    public BpeModelOptions Options { get; }

    public bool TryGetId(string token, out int id) => _vocab.TryGetValue(token, out id);

    private bool TryGetId(ReadOnlySpan<char> token, out int id) =>
        _vocab.TryGetAlternateLookup<ReadOnlySpan<char>>(out var lookup) ? lookup.TryGetValue(token, out id) : _vocab.TryGetValue(token.ToString(), out id);

    /// <summary>Appends the ids of one pre-tokenized word.</summary>
    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0)
        {
            return;
        }
        if (Options.IgnoreMerges && _vocab.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }
        if (!_cache.TryGetValue(word, out var ids))
        {
            ids = Merge(InitialSymbols(word));
            if (_cache.Count < CacheCapacity)
            {
                _cache.TryAdd(word, ids);
            }
        }
        output.AddRange(ids);
    }

    private List<int> InitialSymbols(string word)
    {
        var symbols = new List<int>(word.Length);
        var lastWasUnk = false;
        for (var i = 0; i < word.Length;)
        {
            var length = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var ch = word.Substring(i, length);
            i += length;
            if (_vocab.TryGetValue(ch, out var id))
            {
                symbols.Add(id);
                lastWasUnk = false;
                continue;
            }
            if (_byteTokens is not null && TryAddBytes(ch, symbols))
            {
                lastWasUnk = false;
                continue;
            }
            if (Options.UnkId is int unk && !(Options.FuseUnk && lastWasUnk))
            {
                symbols.Add(unk);
            }
            lastWasUnk = Options.UnkId is not null;
        }
        return symbols;
    }

    private bool TryAddBytes(string ch, List<int> symbols)
    {
        var bytes = Encoding.UTF8.GetBytes(ch);
        if (bytes.Any(b => _byteTokens![b] < 0))   // only called when byte fallback built the table
        {
            return false;
        }
        symbols.AddRange(bytes.Select(b => _byteTokens![b]));
        return true;
    }

    private int[] Merge(List<int> symbols)
    {
        var n = symbols.Count;
        var next = new int[n];
        var prev = new int[n];
        for (var i = 0; i < n; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // Queued by (rank, position): the lowest rank first and, among equal ranks, the leftmost pair.
        var queue = new PriorityQueue<(int Pos, int Left, int Right, int Id), (int Rank, int Pos)>();
        void Enqueue(int pos)
        {
            if (pos >= 0 && next[pos] >= 0 && _merges.TryGetValue((symbols[pos], symbols[next[pos]]), out var m))
            {
                queue.Enqueue((pos, symbols[pos], symbols[next[pos]], m.Id), (m.Rank, pos));
            }
        }
        for (var i = 0; i < n - 1; i++)
        {
            Enqueue(i);
        }
        while (queue.TryDequeue(out var top, out _))
        {
            var right = next[top.Pos];
            // Stale entry: the left symbol was merged away or either side changed since it was queued.
            if (symbols[top.Pos] != top.Left || right < 0 || symbols[right] != top.Right)
            {
                continue;
            }
            symbols[top.Pos] = top.Id;
            symbols[right] = -1;
            next[top.Pos] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = top.Pos;
            }
            Enqueue(prev[top.Pos]);
            Enqueue(top.Pos);
        }
        var result = new List<int>(n);
        for (var i = 0; i >= 0 && n > 0; i = next[i])
        {
            result.Add(symbols[i]);
        }
        return [.. result];
    }
}
