namespace LlmServe.Conversion.Onnx;

/// <summary>
/// A minimal protobuf wire-format reader: ONNX files are protobuf, and the few messages a converter needs
/// (model, graph, tensor, node) are easier to walk field by field than to generate code for.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    public bool TryReadTag(out int field, out int wireType)
    {
        if (AtEnd)
        {
            field = wireType = 0;
            return false;
        }
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw new InvalidDataException("Malformed protobuf varint.");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = checked((int)ReadVarint());
        var slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    public float ReadFixed32Float()
    {
        var value = BitConverter.ToSingle(_data.Slice(_position, 4));
        _position += 4;
        return value;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: _position += 8; break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: _position += 4; break;
            default: throw new InvalidDataException($"Unsupported protobuf wire type {wireType}.");
        }
    }
}
