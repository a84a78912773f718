using LlmServe.Worker.Engine;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Engine;

/// <summary>Engine requests over a byte-per-token vocabulary, for scheduler and cache tests without a model.</summary>
internal static class EngineTestRequests
{
    private sealed class ByteTokenizer : ITokenizer
    {
        public int VocabSize => 256;
        public int? BosId => null;
        public int? EosId => null;
        public bool AddBos => false;
        public IReadOnlyList<int> Encode(string text, bool addSpecial) => text.Select(c => (int)c).ToList();
        public ReadOnlySpan<byte> TokenBytes(int id) => new[] { (byte)id };
        public bool IsControl(int id) => false;
    }

    private static long _arrivals;

    public static EngineRequest Create(int promptLength, int maxTokens = 4, int priority = 0, int firstToken = 1) =>
        new(new GenerationRequest(Guid.NewGuid().ToString("N"), Enumerable.Range(firstToken, promptLength).ToList(),
            new SamplingParams { MaxTokens = maxTokens, Temperature = 0 }, CancellationToken.None, priority),
            Interlocked.Increment(ref _arrivals), new ByteTokenizer());
}
