namespace LlmServe.Conversion.Onnx;

/// <summary>One operator of an ONNX graph: its type and the names of the values it reads and writes.</summary>
internal sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);
