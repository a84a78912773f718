using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace LlmServe.Conversion.Safetensors;

/// <summary>
/// Writes float32 tensors in the safetensors layout: an 8-byte little-endian header length, a JSON header
/// (name -> dtype, shape, data_offsets relative to the data section), then the tensors' bytes back to back.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(Stream output, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = metadata;
        }
        long offset = 0;
        foreach (var t in ordered)
        {
            var count = t.Shape.Aggregate(1L, (a, b) => a * b);
            if (count != t.Data.LongLength)
            {
                throw new ArgumentException($"Tensor '{t.Name}' has {t.Data.LongLength} values for shape [{string.Join(", ", t.Shape)}].", nameof(tensors));
            }
            var end = offset + count * sizeof(float);
            header[t.Name] = new { dtype = "F32", shape = t.Shape, data_offsets = new[] { offset, end } };
            offset = end;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        // The data section starts 8-byte aligned: the header is padded with spaces, as the reference writer does.
        var padded = (json.Length + 7) / 8 * 8;
        Span<byte> length = stackalloc byte[8];
        BitConverter.TryWriteBytes(length, (ulong)padded);
        output.Write(length);
        output.Write(json);
        for (var i = json.Length; i < padded; i++)
        {
            output.WriteByte((byte)' ');
        }
        foreach (var t in ordered)
        {
            // NOTE: writes the host's byte order; safetensors is little-endian, as are all our targets.
            output.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
        }
    }
}
