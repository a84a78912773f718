using LlmServe.Worker.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// Rotary position embedding with precomputed cos/sin tables. Supports both pairings: adjacent pairs (GGUF
/// "normal" mode) and rotate-half (Hugging Face layout); the two differ only by a fixed permutation of the q/k
/// rows, which converters apply, so the loader picks the one matching the file format.
/// </summary>
internal sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor _cos;   // (maxPos, D/2)
    private readonly Tensor _sin;   // (maxPos, D/2)
    private readonly bool _interleaved;

    /// <param name="inverseFrequencies">One inverse frequency per rotated pair (D/2), scaling already applied.</param>
    /// <param name="device">Where the tables live (a tensor-parallel shard's device); the CPU when null.</param>
    /// <param name="magnitude">Factor on cos and sin (YaRN's and LongRoPE's attention factor; 1 otherwise).</param>
    public RotaryEmbedding(double[] inverseFrequencies, int maxPositions, bool interleaved, ScalarType dtype, Device? device = null,
        double magnitude = 1.0)
    {
        _interleaved = interleaved;
        using var scope = NewDisposeScope();
        var inv = torch.tensor(inverseFrequencies, ScalarType.Float64);                                             // (D/2)
        // Positions from an array, not torch.arange: its implicitly converted bounds have the flaw HeldScalars describes.
        var positions = torch.tensor(Enumerable.Range(0, maxPositions).Select(p => (double)p).ToArray());           // (maxPos)
        var angles = torch.outer(positions, inv);                                                                   // (maxPos, D/2)
        using var scale = magnitude.ToScalar();   // held: see HeldScalars
        _cos = angles.cos().mul_(scale).to_type(dtype).to(device ?? CPU).DetachFromDisposeScope();
        _sin = angles.sin().mul_(scale).to_type(dtype).to(device ?? CPU).DetachFromDisposeScope();
    }

    public Tensor Cos => _cos;

    public Tensor Sin => _sin;

    /// <summary>Pairs (2i, 2i+1) (GGUF) rather than (i, i + D/2) (Hugging Face).</summary>
    public bool Interleaved => _interleaved;

    /// <summary>
    /// Rotates <paramref name="x"/> of shape (T, H, D) whose rows sit at <paramref name="positions"/> (T): its first
    /// 2 x (table width) dimensions, all of them unless the model rotates only part of each head.
    /// </summary>
    public Tensor Apply(Tensor x, Tensor positions)
    {
        var rotary = 2 * _cos.shape[1];
        if (x.shape[2] > rotary)
        {
            var parts = x.split([rotary, x.shape[2] - rotary], dim: -1);   // (T, H, R), (T, H, D - R)
            return torch.cat([Rotate(parts[0].contiguous(), positions), parts[1]], dim: -1); // (T, H, D)
        }
        return Rotate(x, positions);
    }

    private Tensor Rotate(Tensor x, Tensor positions)
    {
        if (Bf16Kernel(x, positions) is { } rotated)
        {
            return rotated;
        }
        var cos = _cos.index_select(0, positions).unsqueeze(1);      // (T, 1, D/2)
        var sin = _sin.index_select(0, positions).unsqueeze(1);      // (T, 1, D/2)
        var shape = x.shape;
        if (_interleaved)
        {
            var pairs = x.view(shape[0], shape[1], shape[2] / 2, 2);  // (T, H, D/2, 2)
            var x0 = pairs.select(-1, 0);                             // (T, H, D/2)
            var x1 = pairs.select(-1, 1);
            var r0 = x0 * cos - x1 * sin;
            var r1 = (x0 * sin).add(x1 * cos, HeldScalars.One);
            return torch.stack([r0, r1], dim: -1).view(shape);         // (T, H, D)
        }
        var halves = x.chunk(2, dim: -1);                             // 2 x (T, H, D/2)
        var a = halves[0];
        var b = halves[1];
        return torch.cat([a * cos - b * sin, (b * cos).add(a * sin, HeldScalars.One)], dim: -1); // (T, H, D)
    }

    /// <summary>Decode-sized contiguous bf16 input on the CPU in one call; null for anything else.</summary>
    private Tensor? Bf16Kernel(Tensor x, Tensor positions)
    {
        if (x.dtype != ScalarType.BFloat16 || _cos.dtype != ScalarType.BFloat16 || x.device_type != DeviceType.CPU
            || _cos.device_type != DeviceType.CPU || positions.device_type != DeviceType.CPU || positions.dtype != ScalarType.Int64
            || x.dim() != 3 || x.shape[0] > DecodeLinear.MaxRows || positions.shape[0] != x.shape[0] || x.shape[2] != 2 * _cos.shape[1]
            || !x.is_contiguous() || !positions.is_contiguous())
        {
            return null;
        }
        var y = torch.empty(x.shape, ScalarType.BFloat16);                                   // (T, H, D)
        unsafe
        {
            Bf16Rope.Run((ushort*)TensorMemory.Address(x), (ushort*)TensorMemory.Address(y), (long*)TensorMemory.Address(positions),
                (ushort*)TensorMemory.Address(_cos), (ushort*)TensorMemory.Address(_sin), (int)_cos.shape[0],
                (int)x.shape[0], (int)x.shape[1], (int)x.shape[2], _interleaved);
        }
        return y;
    }

    /// <summary>
    /// theta^(-2i/D) per pair, then the checkpoint's RoPE scaling and per-pair divisors (GGUF's rope_freqs) when the model has them.
    /// </summary>
    public static double[] InverseFrequencies(LlamaConfig config, float[]? divisors)
    {
        var half = config.RotaryDim / 2;
        var inv = new double[half];
        for (var i = 0; i < half; i++)
        {
            inv[i] = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / config.RotaryDim);
        }
        config.RopeScaling?.Apply(inv, config.RopeTheta);
        if (divisors is not null)
        {
            for (var i = 0; i < half; i++)
            {
                inv[i] /= divisors[i];
            }
        }
        return inv;
    }

    public void Dispose()
    {
        _cos.Dispose();
        _sin.Dispose();
    }
}
