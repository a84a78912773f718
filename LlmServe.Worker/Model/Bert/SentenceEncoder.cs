using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Bert;

/// <summary>
/// A BERT encoder with its sentence-transformers head: token-id sequences in, one float32 vector each out.
/// Call from one thread at a time (the embedding runner's): inference mode and dispose scopes are per thread.
/// </summary>
internal sealed class SentenceEncoder(BertModel network, SentenceEmbeddingConfig head) : IDisposable
{
    public BertModel Network { get; } = network;
    public SentenceEmbeddingConfig Head { get; } = head;
    public int Dimensions => Network.Config.HiddenSize;
    public int MaxTokens => Network.Config.MaxPositionEmbeddings;
    public int VocabSize => Network.Config.VocabSize;

    /// <summary>Encodes the sequences as one right-padded batch; every sequence needs 1..MaxTokens ids within the vocabulary.</summary>
    public float[][] Encode(IReadOnlyList<IReadOnlyList<int>> sequences)
    {
        if (sequences.Count == 0)
        {
            return [];
        }
        var b = sequences.Count;
        var t = sequences.Max(s => s.Count);
        var ids = new long[b * t];
        var mask = new bool[b * t];
        for (var i = 0; i < b; i++)
        {
            var sequence = sequences[i];
            if (sequence.Count == 0 || sequence.Count > MaxTokens)
            {
                throw new ArgumentException($"Sequence {i} has {sequence.Count} tokens; 1 to {MaxTokens} are allowed.", nameof(sequences));
            }
            for (var j = 0; j < sequence.Count; j++)
            {
                var id = sequence[j];
                ids[i * t + j] = id >= 0 && id < VocabSize ? id
                    : throw new ArgumentException($"Sequence {i} holds token id {id}, outside the vocabulary of {VocabSize}.", nameof(sequences));
                mask[i * t + j] = true;
            }
        }

        using var inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        var idTensor = torch.tensor(ids, [b, t]);                                      // (B, T) int64, padding id 0
        var maskTensor = torch.tensor(mask, [b, t]);                                   // (B, T) bool
        var hidden = Network.Forward(idTensor, maskTensor).to_type(ScalarType.Float32); // (B, T, d)
        var pooled = SentencePooling.Pool(hidden, maskTensor, Head.Pooling);           // (B, d)
        if (Head.Normalize)
        {
            pooled = SentencePooling.Normalize(pooled);                                // (B, d), unit rows
        }
        var flat = pooled.contiguous().data<float>().ToArray();
        var d = Dimensions;
        return [.. Enumerable.Range(0, b).Select(i => flat.AsSpan(i * d, d).ToArray())];
    }

    public void Dispose() => Network.Dispose();
}
