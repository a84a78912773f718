using System.Buffers.Binary;
using System.Text.Json;

namespace LlmServe.Worker.Model.Safetensors;

/// <summary>
/// A .safetensors file: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// dtype, shape and data_offsets, then the raw little-endian data.
/// </summary>
internal sealed class SafetensorsFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly long _dataStart;

    private SafetensorsFile(string path, FileStream stream, long dataStart, Dictionary<string, SafetensorsTensorInfo> tensors)
    {
        Path = path;
        _stream = stream;
        _dataStart = dataStart;
        Tensors = tensors;
    }

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    public static SafetensorsFile Open(string path)
    {
        var stream = File.OpenRead(path);
        try
        {
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > 100_000_000 || (long)headerLength + 8 > stream.Length)
            {
                throw new InvalidDataException($"'{path}' is not a safetensors file (header length {headerLength}).");
            }
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var tensors = ParseHeader(path, header, stream.Length - 8 - (long)headerLength);
            return new SafetensorsFile(path, stream, 8 + (long)headerLength, tensors);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public void ReadBytes(SafetensorsTensorInfo info, Span<byte> destination) => ReadBytes(info, 0, destination);

    /// <summary>Copies the tensor's bytes [offset, offset + destination.Length) into <paramref name="destination"/>.</summary>
    public void ReadBytes(SafetensorsTensorInfo info, long offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, info.End - info.Begin);
        _stream.Position = _dataStart + info.Begin + offset;
        _stream.ReadExactly(destination);
    }

    private static Dictionary<string, SafetensorsTensorInfo> ParseHeader(string path, byte[] header, long dataLength)
    {
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
                var offsets = entry.Value.GetProperty("data_offsets");
                var info = new SafetensorsTensorInfo(entry.Name,
                    entry.Value.GetProperty("dtype").GetString() ?? "",
                    entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                    offsets[0].GetInt64(), offsets[1].GetInt64());
                if (info.Begin < 0 || info.End < info.Begin || info.End > dataLength)
                {
                    throw new InvalidDataException($"'{path}': tensor '{entry.Name}' has data offsets outside the file.");
                }
                tensors[entry.Name] = info;
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"'{path}' has a malformed safetensors header: {ex.Message}", ex);
        }
        return tensors;
    }

    public void Dispose() => _stream.Dispose();
}
