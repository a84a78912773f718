using System.Text;

namespace LlmServe.Conversion.Gguf;

/// <summary>Reads GGUF metadata values; arrays come back as typed .NET arrays (string[], float[], int[], ...).</summary>
internal static class GgufValueReader
{
    public static string ReadString(BinaryReader reader)
    {
        var length = checked((int)reader.ReadUInt64());
        return Encoding.UTF8.GetString(reader.ReadBytes(length));
    }

    public static object ReadValue(BinaryReader reader, GgufValueType type) => type switch
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
        _ => throw new InvalidDataException($"Unknown GGUF metadata value type {(uint)type}."),
    };

    private static object ReadArray(BinaryReader reader)
    {
        var elementType = (GgufValueType)reader.ReadUInt32();
        var count = checked((int)reader.ReadUInt64());
        return elementType switch
        {
            GgufValueType.String => Fill(count, () => ReadString(reader)),
            GgufValueType.Float32 => Fill(count, reader.ReadSingle),
            GgufValueType.Int32 => Fill(count, reader.ReadInt32),
            GgufValueType.UInt32 => Fill(count, reader.ReadUInt32),
            GgufValueType.UInt8 => reader.ReadBytes(count),
            _ => Fill(count, () => ReadValue(reader, elementType)),
        };
    }

    private static T[] Fill<T>(int count, Func<T> read)
    {
        var result = new T[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = read();
        }
        return result;
    }
}
