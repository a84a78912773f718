namespace LlmServe.Worker.Engine.KvCache;

/// <summary>
/// Free blocks in eviction order (least recently freed first), as a doubly linked list so a block whose cached
/// contents get reused can leave the middle of the queue in O(1).
/// </summary>
internal sealed class FreeBlockQueue
{
    private KvBlock? _head;
    private KvBlock? _tail;

    public FreeBlockQueue(IEnumerable<KvBlock> blocks)
    {
        foreach (var b in blocks)
        {
            Append(b);
        }
    }

    public int Count { get; private set; }

    public KvBlock PopLeft()
    {
        var block = _head ?? throw new InvalidOperationException("No free block.");
        Remove(block);
        return block;
    }

    public void Append(KvBlock block)
    {
        block.Previous = _tail;
        block.Next = null;
        if (_tail is null)
        {
            _head = block;
        }
        else
        {
            _tail.Next = block;
        }
        _tail = block;
        block.InFreeQueue = true;
        Count++;
    }

    public void Remove(KvBlock block)
    {
        if (block.Previous is null) { _head = block.Next; } else { block.Previous.Next = block.Next; }
        if (block.Next is null) { _tail = block.Previous; } else { block.Next.Previous = block.Previous; }
        block.Previous = block.Next = null;
        block.InFreeQueue = false;
        Count--;
    }

    /// <summary>Block ids from head to tail (for tests and diagnostics).</summary>
    public IEnumerable<int> Ids()
    {
        for (var b = _head; b is not null; b = b.Next)
        {
            yield return b.Id;
        }
    }
}
