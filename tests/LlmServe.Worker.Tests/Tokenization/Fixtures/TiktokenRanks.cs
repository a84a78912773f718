using System.IO.Compression;
using System.Reflection;
using System.Text;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Tokenization.Fixtures;

/// <summary>
/// A tiktoken vocabulary (token bytes → rank) as shipped in the Microsoft.ML.Tokenizers.Data packages, and its
/// Hugging Face BPE form: the ranks are the ids, and the merges come from splitting every token into two tokens,
/// ordered by the merged token's rank (transformers' TikTokenConverter does the same to make Llama 3's file).
/// </summary>
internal sealed class TiktokenRanks
{
    // Token bytes as Latin-1 strings (one char per byte), so they can key a dictionary.
    private readonly Dictionary<string, int> _ranks;

    private TiktokenRanks(Dictionary<string, int> ranks) => _ranks = ranks;

    public static TiktokenRanks Load(string dataAssembly, string resource)
    {
        using var stream = Assembly.Load(dataAssembly).GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{dataAssembly} has no resource {resource}.");
        using var reader = new StreamReader(new DeflateStream(stream, CompressionMode.Decompress), Encoding.ASCII);
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        // The packaged form starts with "Capacity: N" and then lists one base64 token per line, the line being the
        // rank; plain .tiktoken files write "base64 rank".
        while (reader.ReadLine() is string line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var rank = space > 0 ? int.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture) : ranks.Count;
            ranks[Encoding.Latin1.GetString(Convert.FromBase64String(space > 0 ? line[..space] : line))] = rank;
        }
        return new TiktokenRanks(ranks);
    }

    public int Count => _ranks.Count;

    /// <summary>Vocabulary in the byte-level alphabet, id = rank.</summary>
    public Dictionary<string, int> ByteLevelVocab() =>
        _ranks.ToDictionary(kv => ToByteLevel(kv.Key), kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Every two-token split of every token, ordered by the merged token's rank, then by the parts' ranks.</summary>
    public List<(string Left, string Right)> ByteLevelMerges()
    {
        // Packed (rank, left rank, right rank) keys sort in merge order; ranks stay below 2^21.
        var keys = new List<long>(_ranks.Count * 3);
        var lookup = _ranks.GetAlternateLookup<ReadOnlySpan<char>>();
        var byRank = new string[_ranks.Values.Max() + 1];
        foreach (var (token, rank) in _ranks)
        {
            byRank[rank] = ToByteLevel(token);
            for (var i = 1; i < token.Length; i++)
            {
                if (lookup.TryGetValue(token.AsSpan(0, i), out var l) && lookup.TryGetValue(token.AsSpan(i), out var r))
                {
                    keys.Add(((long)rank << 42) | ((long)l << 21) | (long)r);
                }
            }
        }
        keys.Sort();
        const long Mask = (1L << 21) - 1;
        return keys.Select(k => (byRank[(k >> 21) & Mask], byRank[k & Mask])).ToList();
    }

    private static string ToByteLevel(string latin1) => string.Create(latin1.Length, latin1, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = ByteLevelAlphabet.ToChar((byte)source[i]);
        }
    });
}
