using System.IO.MemoryMappedFiles;
using System.Text.Json;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>
/// A read-only view of one .safetensors file: an 8-byte little-endian header length, a JSON header mapping tensor
/// names to dtype, shape and [begin, end) byte offsets relative to the data section, then the data.
/// </summary>
internal sealed class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly long _dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    private SafetensorsFile(string path, MemoryMappedFile map, long dataStart, Dictionary<string, SafetensorsTensorInfo> tensors)
    {
        Path = path;
        _map = map;
        _dataStart = dataStart;
        Tensors = tensors;
    }

    public static SafetensorsFile Open(string path)
    {
        var length = new FileInfo(path).Length;
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        if (length < 8 || stream.Read(prefix) != 8)
        {
            throw new InvalidDataException($"'{path}' is too short to be a safetensors file.");
        }
        var headerLength = BitConverter.ToInt64(prefix);
        if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > length)
        {
            throw new InvalidDataException($"'{path}' has an invalid safetensors header length ({headerLength}).");
        }
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(header);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    continue;
                }
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var info = new SafetensorsTensorInfo(entry.Name, entry.Value.GetProperty("dtype").GetString() ?? "", shape, offsets[0], offsets[1]);
                if (8 + headerLength + info.End > length || info.End < info.Begin)
                {
                    throw new InvalidDataException($"'{path}' is truncated: tensor '{info.Name}' ends past the end of the file.");
                }
                tensors[entry.Name] = info;
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{path}' has a malformed safetensors header: {ex.Message}");
        }
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        return new SafetensorsFile(path, map, 8 + headerLength, tensors);
    }

    public void ReadBytes(SafetensorsTensorInfo tensor, Span<byte> destination) =>
        ReadBytes(tensor, 0, destination[..checked((int)tensor.ByteSize)]);

    /// <summary>Copies the tensor's bytes [offset, offset + destination.Length) into <paramref name="destination"/>.</summary>
    public void ReadBytes(SafetensorsTensorInfo tensor, long offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, tensor.ByteSize);
        using var view = _map.CreateViewStream(_dataStart + tensor.Begin + offset, destination.Length, MemoryMappedFileAccess.Read);
        view.ReadExactly(destination);
    }

    public void Dispose() => _map.Dispose();
}
