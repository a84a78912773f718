using LlmServe.Conversion.Gguf;
using System.Text;

namespace LlmServe.Checkpoints.Gguf;

/// <summary>
/// Writes a GGUF v3 file: magic, version, counts, metadata key/values, tensor infos, padding to the alignment,
/// then each tensor's bytes padded to the alignment.
/// </summary>
/// <remarks>
/// Shapes are given in PyTorch order (outermost first, e.g. (out, in)); GGUF stores ne[] innermost first, so the
/// writer reverses them. Tensor data is produced lazily, one tensor at a time, so large checkpoints stream.
/// </remarks>
public sealed class GgufWriter(int alignment = 32)
{
    private const uint Magic = 0x46554747; // "GGUF" little-endian
    private const uint Version = 3;
    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<Tensor> _tensors = [];

    public void AddString(string key, string value) => _metadata.Add((key, GgufValueType.String, value));
    public void AddUInt32(string key, uint value) => _metadata.Add((key, GgufValueType.UInt32, value));
    public void AddFloat32(string key, float value) => _metadata.Add((key, GgufValueType.Float32, value));
    public void AddBool(string key, bool value) => _metadata.Add((key, GgufValueType.Bool, value));
    public void AddStrings(string key, IReadOnlyList<string> values) => _metadata.Add((key, GgufValueType.Array, values));
    public void AddFloat32s(string key, IReadOnlyList<float> values) => _metadata.Add((key, GgufValueType.Array, values));
    public void AddInt32s(string key, IReadOnlyList<int> values) => _metadata.Add((key, GgufValueType.Array, values));

    /// <param name="shape">PyTorch-order shape, e.g. (out, in) for a linear weight.</param>
    /// <param name="data">Produces the tensor's little-endian bytes when the writer reaches it.</param>
    public void AddTensor(string name, long[] shape, GgufTensorType type, Func<byte[]> data) =>
        _tensors.Add(new Tensor(name, shape, type, data));

    public void Write(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Write(stream);
    }

    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, type, value) in _metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)type);
            WriteValue(writer, type, value);
        }
        long offset = 0;
        foreach (var t in _tensors)
        {
            WriteString(writer, t.Name);
            writer.Write((uint)t.Shape.Length);
            foreach (var dim in t.Shape.Reverse())
            {
                writer.Write((ulong)dim);
            }
            writer.Write((uint)t.Type);
            writer.Write((ulong)offset);
            offset = Align(offset + t.ByteSize);
        }
        Pad(writer);
        foreach (var t in _tensors)
        {
            var bytes = t.Data();
            if (bytes.Length != t.ByteSize)
            {
                throw new InvalidOperationException($"Tensor '{t.Name}' produced {bytes.Length} bytes, expected {t.ByteSize}.");
            }
            writer.Write(bytes);
            Pad(writer);
        }
    }

    private long Align(long position) => (position + alignment - 1) / alignment * alignment;

    private void Pad(BinaryWriter writer)
    {
        var position = writer.BaseStream.Position;
        writer.Write(new byte[Align(position) - position]);
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteValue(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (value)
        {
            case string s:
                WriteString(writer, s);
                break;
            case uint u:
                writer.Write(u);
                break;
            case float f:
                writer.Write(f);
                break;
            case bool b:
                writer.Write(b);
                break;
            case IReadOnlyList<string> strings:
                WriteArray(writer, GgufValueType.String, strings, s => WriteString(writer, s));
                break;
            case IReadOnlyList<float> floats:
                WriteArray(writer, GgufValueType.Float32, floats, writer.Write);
                break;
            case IReadOnlyList<int> ints:
                WriteArray(writer, GgufValueType.Int32, ints, writer.Write);
                break;
            default:
                throw new NotSupportedException($"GGUF value of type {type} ({value.GetType().Name}) is not supported.");
        }
    }

    private static void WriteArray<T>(BinaryWriter writer, GgufValueType elementType, IReadOnlyList<T> values, Action<T> write)
    {
        writer.Write((uint)elementType);
        writer.Write((ulong)values.Count);
        foreach (var v in values)
        {
            write(v);
        }
    }

    private sealed record Tensor(string Name, long[] Shape, GgufTensorType Type, Func<byte[]> Data)
    {
        public long ByteSize => Shape.Aggregate(1L, (a, b) => a * b) * (Type == GgufTensorType.F32 ? 4 : 2);
    }
}
