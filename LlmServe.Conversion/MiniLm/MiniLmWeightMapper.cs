using LlmServe.Conversion.Onnx;
using LlmServe.Conversion.Safetensors;

namespace LlmServe.Conversion.MiniLm;

/// <summary>
/// Names the float initializers of a BERT ONNX export by their Hugging Face names. The exporter keeps the names
/// of parameters it uses as they are (biases, LayerNorm, embeddings, the pooler's Gemm) but folds every
/// nn.Linear weight into an anonymous, pre-transposed MatMul operand. Those are recovered from the graph: the
/// MatMul's output feeds an Add whose other operand is the layer's named bias (X.bias), so the weight is
/// X.weight, transposed from ONNX's (in, out) back to PyTorch's (out, in).
/// </summary>
internal static class MiniLmWeightMapper
{
    public static IReadOnlyList<SafetensorsTensor> Map(OnnxGraph graph, string source)
    {
        var consumers = graph.Nodes
            .SelectMany(n => n.Inputs.Select(input => (input, node: n)))
            .ToLookup(p => p.input, p => p.node, StringComparer.Ordinal);
        var floats = graph.Initializers.Values.Where(t => t.DataType == OnnxTensor.Float).ToList();
        var matMulWeights = graph.Nodes
            .Where(n => n.OpType == "MatMul" && n.Inputs.Count == 2 && IsFloat(graph, n.Inputs[1]))
            .ToDictionary(n => n.Inputs[1], n => n.Outputs[0], StringComparer.Ordinal);

        var result = new List<SafetensorsTensor>();
        foreach (var tensor in floats)
        {
            // A float initializer is data by then (Data is set for every float tensor by the reader).
            var data = tensor.Data!;
            if (!matMulWeights.TryGetValue(tensor.Name, out var product))
            {
                result.Add(new SafetensorsTensor(tensor.Name, tensor.Dims, data));
                continue;
            }
            var bias = consumers[product]
                .Where(n => n.OpType == "Add")
                .SelectMany(n => n.Inputs)
                .FirstOrDefault(i => i != product && i.EndsWith(".bias", StringComparison.Ordinal) && IsFloat(graph, i))
                ?? throw new InvalidDataException(
                    $"{source}: MatMul weight '{tensor.Name}' is not followed by an Add with a named bias, so its layer cannot be told.");
            if (tensor.Dims.Length != 2)
            {
                throw new InvalidDataException($"{source}: MatMul weight '{tensor.Name}' has {tensor.Dims.Length} dims, expected 2.");
            }
            var name = bias[..^".bias".Length] + ".weight";
            result.Add(new SafetensorsTensor(name, [tensor.Dims[1], tensor.Dims[0]], Transpose(data, tensor.Dims[0], tensor.Dims[1])));
        }
        var duplicate = result.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? result
            : throw new InvalidDataException($"{source}: more than one initializer maps to '{duplicate.Key}'.");
    }

    private static bool IsFloat(OnnxGraph graph, string name) =>
        graph.Initializers.TryGetValue(name, out var t) && t.DataType == OnnxTensor.Float;

    /// <summary>(rows, cols) row-major to (cols, rows) row-major.</summary>
    private static float[] Transpose(float[] data, long rows, long cols)
    {
        var result = new float[data.Length];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < cols; c++)
            {
                result[c * rows + r] = data[r * cols + c];
            }
        }
        return result;
    }
}
