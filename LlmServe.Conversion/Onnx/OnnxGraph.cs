using System.Runtime.InteropServices;

namespace LlmServe.Conversion.Onnx;

/// <summary>
/// The parts of an ONNX model a converter reads: initializers and nodes of the main graph.
/// Field numbers are those of onnx.proto: ModelProto.graph = 7; GraphProto.node = 1, initializer = 5;
/// NodeProto.input = 1, output = 2, op_type = 4; TensorProto.dims = 1, data_type = 2, float_data = 4,
/// name = 8, raw_data = 9.
/// </summary>
internal sealed class OnnxGraph
{
    private OnnxGraph(Dictionary<string, OnnxTensor> initializers, List<OnnxNode> nodes)
    {
        Initializers = initializers;
        Nodes = nodes;
    }

    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Parses a serialized ModelProto; <paramref name="source"/> names it in error messages.</summary>
    public static OnnxGraph Parse(ReadOnlySpan<byte> model, string source)
    {
        var reader = new ProtoReader(model);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 7 && wire == ProtoReader.LengthDelimited)
            {
                return ParseGraph(reader.ReadBytes(), source);
            }
            reader.Skip(wire);
        }
        throw new InvalidDataException($"{source}: the ONNX model has no graph.");
    }

    private static OnnxGraph ParseGraph(ReadOnlySpan<byte> graph, string source)
    {
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var nodes = new List<OnnxNode>();
        var reader = new ProtoReader(graph);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == ProtoReader.LengthDelimited)
            {
                nodes.Add(ParseNode(reader.ReadBytes()));
            }
            else if (field == 5 && wire == ProtoReader.LengthDelimited)
            {
                var tensor = ParseTensor(reader.ReadBytes(), source);
                initializers[tensor.Name] = tensor;
            }
            else
            {
                reader.Skip(wire);
            }
        }
        return new OnnxGraph(initializers, nodes);
    }

    private static OnnxNode ParseNode(ReadOnlySpan<byte> node)
    {
        List<string> inputs = [], outputs = [];
        var opType = "";
        var reader = new ProtoReader(node);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == ProtoReader.LengthDelimited: inputs.Add(reader.ReadString()); break;
                case 2 when wire == ProtoReader.LengthDelimited: outputs.Add(reader.ReadString()); break;
                case 4 when wire == ProtoReader.LengthDelimited: opType = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNode(opType, inputs, outputs);
    }

    private static OnnxTensor ParseTensor(ReadOnlySpan<byte> tensor, string source)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        var name = "";
        var dataType = 0;
        ReadOnlySpan<byte> raw = default;
        var reader = new ProtoReader(tensor);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == ProtoReader.Varint: dims.Add((long)reader.ReadVarint()); break;
                case 1 when wire == ProtoReader.LengthDelimited: ReadPackedVarints(reader.ReadBytes(), dims); break;
                case 2 when wire == ProtoReader.Varint: dataType = (int)reader.ReadVarint(); break;
                case 4 when wire == ProtoReader.Fixed32: floats.Add(reader.ReadFixed32Float()); break;
                case 4 when wire == ProtoReader.LengthDelimited: floats.AddRange(MemoryMarshal.Cast<byte, float>(reader.ReadBytes()).ToArray()); break;
                case 8 when wire == ProtoReader.LengthDelimited: name = reader.ReadString(); break;
                case 9 when wire == ProtoReader.LengthDelimited: raw = reader.ReadBytes(); break;
                default: reader.Skip(wire); break;
            }
        }
        var result = new OnnxTensor(name, dataType, [.. dims], null);
        if (dataType != OnnxTensor.Float)
        {
            return result;
        }
        // NOTE: MemoryMarshal reads the host's byte order; ONNX stores little-endian, as are all our targets.
        var data = raw.IsEmpty ? floats.ToArray() : MemoryMarshal.Cast<byte, float>(raw).ToArray();
        if (data.LongLength != result.ElementCount)
        {
            throw new InvalidDataException(
                $"{source}: initializer '{name}' holds {data.LongLength} floats for dims [{string.Join(", ", dims)}] (external data is not supported).");
        }
        return result with { Data = data };
    }

    private static void ReadPackedVarints(ReadOnlySpan<byte> packed, List<long> into)
    {
        var reader = new ProtoReader(packed);
        while (!reader.AtEnd)
        {
            into.Add((long)reader.ReadVarint());
        }
    }
}
