namespace LlmServe.Worker.Engine.KvCache;

/// <summary>
/// One fixed-size block of KV-cache slots. A block with <see cref="RefCount"/> 0 sits in the free queue; if it
/// also has a <see cref="Hash"/> its contents can still be reused by a request with the same prefix until the
/// block is handed out again.
/// </summary>
internal sealed class KvBlock(int id)
{
    public int Id { get; } = id;
    public int RefCount { get; set; }
    public BlockHash? Hash { get; set; }

    // Links of the free queue (null when not in it).
    internal KvBlock? Previous { get; set; }
    internal KvBlock? Next { get; set; }
    internal bool InFreeQueue { get; set; }
}
