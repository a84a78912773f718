using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace LlmServe.Worker.Engine.KvCache;

/// <summary>
/// The identity of a full block's contents: a hash of the parent block's hash and the block's token ids, so equal
/// hashes mean equal whole prefixes, not just equal blocks.
/// </summary>
internal readonly record struct BlockHash(ulong High, ulong Low)
{
    public static BlockHash Of(BlockHash? parent, ReadOnlySpan<int> tokens)
    {
        Span<byte> input = stackalloc byte[16 + tokens.Length * 4];
        if (parent is { } p)
        {
            BitConverter.TryWriteBytes(input[..8], p.High);
            BitConverter.TryWriteBytes(input[8..16], p.Low);
        }
        MemoryMarshal.AsBytes(tokens).CopyTo(input[16..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        return new BlockHash(BitConverter.ToUInt64(digest[..8]), BitConverter.ToUInt64(digest[8..16]));
    }
}
