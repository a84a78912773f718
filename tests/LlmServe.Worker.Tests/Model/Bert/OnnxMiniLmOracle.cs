using LlmServe.Conversion.MiniLm;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LlmServe.Worker.Tests.Model.Bert;

/// <summary>
/// The oracle: ONNX Runtime running the package's original ONNX model, one unpadded sequence at a time, with
/// sentence-transformers' mean pooling and L2 normalisation written out in plain C#.
/// </summary>
internal sealed class OnnxMiniLmOracle : IDisposable
{
    private readonly InferenceSession _session = new(MiniLmPackage.ReadModel());

    public float[] Embed(IReadOnlyList<int> ids)
    {
        var n = ids.Count;
        var inputs = new List<NamedOnnxValue>();
        foreach (var name in _session.InputMetadata.Keys)
        {
            long[] values = name switch
            {
                "input_ids" => [.. ids.Select(i => (long)i)],
                "attention_mask" => [.. Enumerable.Repeat(1L, n)],
                "token_type_ids" => new long[n],
                _ => throw new InvalidOperationException($"Unexpected model input '{name}'."),
            };
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(values, [1, n])));
        }
        using var results = _session.Run(inputs);
        var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>(); // (1, T, d)
        var d = hidden.Dimensions[2];
        var flat = hidden.ToArray();                                                      // (T * d), row-major
        var mean = new double[d];
        for (var t = 0; t < n; t++)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += flat[t * d + j] / (double)n;
            }
        }
        var norm = Math.Sqrt(mean.Sum(x => x * x));
        return [.. mean.Select(x => (float)(x / norm))];
    }

    public void Dispose() => _session.Dispose();
}
