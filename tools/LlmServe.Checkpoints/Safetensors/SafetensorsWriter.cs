using System.Text;
using System.Text.Json;

namespace LlmServe.Checkpoints.Safetensors;

/// <summary>
/// Writes one .safetensors file: a u64 little-endian header length, a JSON header (dtype, shape and byte range of
/// each tensor, plus "__metadata__"), padded with spaces to a multiple of 8 as the reference writer does, then the
/// tensors' bytes back to back.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<SafetensorsTensor> tensors)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Write(stream, tensors);
    }

    public static void Write(Stream stream, IReadOnlyList<SafetensorsTensor> tensors)
    {
        var header = Header(tensors);
        var padded = (header.Length + 7) / 8 * 8;
        Span<byte> length = stackalloc byte[8];
        BitConverter.TryWriteBytes(length, (ulong)padded);
        stream.Write(length);
        stream.Write(header);
        stream.Write(Enumerable.Repeat((byte)' ', padded - header.Length).ToArray());
        foreach (var t in tensors)
        {
            var bytes = t.Data();
            if (bytes.Length != t.ByteSize)
            {
                throw new InvalidOperationException($"Tensor '{t.Name}' produced {bytes.Length} bytes, expected {t.ByteSize}.");
            }
            stream.Write(bytes);
        }
    }

    private static byte[] Header(IReadOnlyList<SafetensorsTensor> tensors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            long offset = 0;
            foreach (var t in tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType);
                json.WriteStartArray("shape");
                foreach (var dim in t.Shape)
                {
                    json.WriteNumberValue(dim);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.ByteSize);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.ByteSize;
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
