using TorchSharp;

namespace LlmServe.Worker.Model.Llama;

/// <summary>Collects a step's <see cref="DecodeGroup"/> rows: each sequence's context slots once, its rows pointing into them.</summary>
internal sealed class DecodeRowsBuilder
{
    private readonly List<long> _rows = [];
    private readonly List<long> _slots = [];
    private readonly List<long> _offsets = [];
    private readonly List<long> _lengths = [];

    /// <summary>The last <paramref name="newTokens"/> positions of a context, at token rows firstRow.., each over the context up to itself.</summary>
    public void Add(int firstRow, int[] contextSlots, int newTokens)
    {
        var offset = _slots.Count;
        foreach (var slot in contextSlots)
        {
            _slots.Add(slot);
        }
        for (var t = 0; t < newTokens; t++)
        {
            _rows.Add(firstRow + t);
            _offsets.Add(offset);
            _lengths.Add(contextSlots.Length - newTokens + t + 1);
        }
    }

    public DecodeGroup? Build() => _rows.Count == 0 ? null : new DecodeGroup
    {
        TokenRows = torch.tensor(_rows.ToArray()),
        Slots = torch.tensor(_slots.ToArray()),
        Offsets = torch.tensor(_offsets.ToArray()),
        Lengths = torch.tensor(_lengths.ToArray()),
        MaxContext = (int)_lengths.Max(),
    };
}
