using System.IO.MemoryMappedFiles;
using System.Text;

namespace LlmServe.Conversion.Gguf;

/// <summary>
/// A read-only view of a GGUF file: metadata key/values, the tensor directory, and tensor bytes read on demand.
/// </summary>
/// <remarks>
/// Layout: magic "GGUF", u32 version (2 or 3), u64 tensor count, u64 metadata count, the metadata, the tensor
/// infos (name, n_dims, ne[n_dims], type, offset), padding to <c>general.alignment</c> (default 32), then data.
/// </remarks>
public sealed class GgufFile : IDisposable
{
    private const uint Magic = 0x46554747; // "GGUF" little-endian
    private readonly MemoryMappedFile _map;
    private readonly long _dataStart;

    public string Path { get; }
    public uint Version { get; }
    public IReadOnlyDictionary<string, object> Metadata { get; }
    public IReadOnlyDictionary<string, GgufTensorInfo> Tensors { get; }

    private GgufFile(string path, MemoryMappedFile map, uint version, Dictionary<string, object> metadata,
        Dictionary<string, GgufTensorInfo> tensors, long dataStart)
    {
        Path = path;
        _map = map;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        _dataStart = dataStart;
    }

    public static GgufFile Open(string path)
    {
        var length = new FileInfo(path).Length;
        if (length < 24)
        {
            throw new InvalidDataException($"'{path}' is too short to be a GGUF file ({length} bytes).");
        }
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != Magic)
        {
            throw new InvalidDataException($"'{path}' is not a GGUF file (bad magic).");
        }
        var version = reader.ReadUInt32();
        if (version is < 2 or > 3)
        {
            throw new InvalidDataException($"'{path}' is GGUF version {version}; versions 2 and 3 are supported.");
        }
        var tensorCount = reader.ReadUInt64();
        var metadataCount = reader.ReadUInt64();
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        try
        {
            for (ulong i = 0; i < metadataCount; i++)
            {
                var key = GgufValueReader.ReadString(reader);
                metadata[key] = GgufValueReader.ReadValue(reader, (GgufValueType)reader.ReadUInt32());
            }
            var tensors = new Dictionary<string, GgufTensorInfo>(StringComparer.Ordinal);
            for (ulong i = 0; i < tensorCount; i++)
            {
                var name = GgufValueReader.ReadString(reader);
                var dims = new long[reader.ReadUInt32()];
                for (var d = 0; d < dims.Length; d++)
                {
                    dims[d] = (long)reader.ReadUInt64();
                }
                var type = (GgmlType)reader.ReadUInt32();
                tensors[name] = new GgufTensorInfo(name, dims, type, (long)reader.ReadUInt64());
            }
            var alignment = metadata.TryGetValue("general.alignment", out var a) ? Convert.ToInt64(a) : 32L;
            var dataStart = (stream.Position + alignment - 1) / alignment * alignment;
            foreach (var t in tensors.Values)
            {
                if (dataStart + t.Offset + t.ByteSize > length)
                {
                    throw new InvalidDataException(
                        $"'{path}' is truncated: tensor '{t.Name}' ends at byte {dataStart + t.Offset + t.ByteSize}, the file has {length}.");
                }
            }
            var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            return new GgufFile(path, map, version, metadata, tensors, dataStart);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' is truncated inside its header.");
        }
    }

    public T Get<T>(string key, T fallback) =>
        Metadata.TryGetValue(key, out var v) ? (T)Convert.ChangeType(v, typeof(T), System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool TryGet<T>(string key, out T value)
    {
        if (Metadata.TryGetValue(key, out var v) && v is T t)
        {
            value = t;
            return true;
        }
        value = default!; // only read when the method returns true
        return false;
    }

    /// <summary>Copies a tensor's raw bytes into <paramref name="destination"/>.</summary>
    public void ReadBytes(GgufTensorInfo tensor, Span<byte> destination) =>
        ReadBytes(tensor, 0, destination[..checked((int)tensor.ByteSize)]);

    /// <summary>Copies the tensor's bytes [offset, offset + destination.Length) into <paramref name="destination"/>.</summary>
    public void ReadBytes(GgufTensorInfo tensor, long offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, tensor.ByteSize);
        using var view = _map.CreateViewStream(_dataStart + tensor.Offset + offset, destination.Length, MemoryMappedFileAccess.Read);
        view.ReadExactly(destination);
    }

    public void Dispose() => _map.Dispose();
}
