using System.Buffers.Binary;
using System.IO.Hashing;

namespace LlmServe.Rag.VectorStores.Embedded;

/// <summary>
/// An append-only file of checksummed entries, fsynced before an append returns: the durable half of the embedded
/// store. Each entry is framed as
/// <code>
///   [int32 length][uint32 crc32(payload)][payload: length bytes]
/// </code>
/// A crash can leave a torn last entry (short, or with a checksum that does not match); <see cref="Open"/> reads
/// entries up to the first bad frame and truncates the file there, so the log always ends on a whole entry. An
/// append that returned was fsynced and is never part of a torn tail.
/// </summary>
internal sealed class WriteAheadLog : IDisposable
{
    private const int HeaderSize = 8;

    /// <summary>Far above any real entry; a larger length can only come from a torn or corrupt frame.</summary>
    private const int MaxEntryBytes = 1 << 30;

    private readonly FileStream _file;
    private readonly Lock _lock = new();

    private WriteAheadLog(string path, FileStream file, long truncatedBytes)
    {
        Path = path;
        _file = file;
        TruncatedBytes = truncatedBytes;
    }

    public string Path { get; }

    /// <summary>Bytes of a torn tail cut off when the log was opened (0 after a clean shutdown).</summary>
    public long TruncatedBytes { get; }

    /// <summary>Current size of the log in bytes.</summary>
    public long Length
    {
        get
        {
            lock (_lock)
            {
                return _file.Length;
            }
        }
    }

    /// <summary>Opens (or creates) the log, hands every whole entry to <paramref name="replay"/> in order, and cuts a torn tail.</summary>
    public static WriteAheadLog Open(string path, Action<ReadOnlyMemory<byte>> replay)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        try
        {
            var good = ReadEntries(file, replay);
            var truncated = file.Length - good;
            if (truncated > 0)
            {
                file.SetLength(good);
                file.Flush(flushToDisk: true);
            }
            file.Seek(0, SeekOrigin.End);
            return new WriteAheadLog(path, file, truncated);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Appends one entry and returns once it is on stable storage.</summary>
    public void Append(ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(payload));
        lock (_lock)
        {
            var start = _file.Position;
            try
            {
                _file.Write(header);
                _file.Write(payload);
                _file.Flush(flushToDisk: true);
            }
            catch
            {
                // A failed write must not leave a half entry that later appends would follow.
                _file.SetLength(start);
                _file.Position = start;
                throw;
            }
        }
    }

    /// <summary>
    /// Replaces the log with <paramref name="entries"/> (a compacted copy of the live state), atomically: the new
    /// file is written and fsynced beside the log, then renamed over it.
    /// </summary>
    public static void Rewrite(string path, IEnumerable<byte[]> entries)
    {
        var temporary = path + ".compact";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            foreach (var payload in entries)
            {
                BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(payload));
                file.Write(header);
                file.Write(payload);
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file.Dispose();
        }
    }

    /// <summary>Reads whole, valid entries from the start; returns the offset just after the last one.</summary>
    private static long ReadEntries(FileStream file, Action<ReadOnlyMemory<byte>> replay)
    {
        file.Seek(0, SeekOrigin.Begin);
        var header = new byte[HeaderSize];
        long good = 0;
        while (true)
        {
            if (file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
            {
                return good;
            }
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (length is < 0 or > MaxEntryBytes || length > file.Length - file.Position)
            {
                return good;
            }
            var payload = new byte[length];
            file.ReadExactly(payload);
            if (Crc32.HashToUInt32(payload) != crc)
            {
                return good;
            }
            replay(payload);
            good = file.Position;
        }
    }
}
