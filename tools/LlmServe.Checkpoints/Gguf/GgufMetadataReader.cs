using System.Text;

namespace LlmServe.Checkpoints.Gguf;

/// <summary>
/// Reads the metadata key/values of a GGUF file (v2/v3), e.g. to copy a tokenizer into a new checkpoint.
/// Arrays come back as typed arrays (string[], float[], int[], uint[], ...).
/// </summary>
internal static class GgufMetadataReader
{
    public static IReadOnlyDictionary<string, object> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        if (reader.ReadUInt32() != 0x46554747)
        {
            throw new InvalidDataException($"'{path}' is not a GGUF file (bad magic).");
        }
        var version = reader.ReadUInt32();
        if (version is < 2 or > 3)
        {
            throw new InvalidDataException($"'{path}' is GGUF version {version}; versions 2 and 3 are supported.");
        }
        reader.ReadUInt64();   // tensor count: not needed for metadata
        var count = reader.ReadUInt64();
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < count; i++)
        {
            var key = ReadString(reader);
            metadata[key] = ReadValue(reader, (GgufValueType)reader.ReadUInt32());
        }
        return metadata;
    }

    private static string ReadString(BinaryReader reader) => Encoding.UTF8.GetString(reader.ReadBytes(checked((int)reader.ReadUInt64())));

    private static object ReadValue(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        GgufValueType.Array => ReadArray(reader),
        _ => throw new InvalidDataException($"Unknown GGUF value type {(uint)type}."),
    };

    private static Array ReadArray(BinaryReader reader)
    {
        var elementType = (GgufValueType)reader.ReadUInt32();
        var length = checked((int)reader.ReadUInt64());
        Array result = elementType switch
        {
            GgufValueType.String => new string[length],
            GgufValueType.Float32 => new float[length],
            GgufValueType.Int32 => new int[length],
            GgufValueType.UInt32 => new uint[length],
            _ => new object[length],
        };
        for (var i = 0; i < length; i++)
        {
            result.SetValue(ReadValue(reader, elementType), i);
        }
        return result;
    }
}
