namespace LlmServe.Checkpoints.Random;

/// <summary>
/// A normal(0, 1) stream keyed by (seed, tensor name): SplitMix64 for uniforms, Box-Muller for normals.
/// </summary>
/// <remarks>
/// Keying by name makes every tensor's values independent of the order and of which other tensors a checkpoint
/// has, so the Hugging Face and GGUF writers (and any later reader) regenerate exactly the same numbers.
/// </remarks>
internal sealed class SeededNormal(int seed, string name)
{
    private ulong _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL) ^ Fnv1a(name);

    public void Fill(Span<float> destination, double mean, double std)
    {
        for (var i = 0; i < destination.Length; i += 2)
        {
            // Box-Muller: two independent normals from two uniforms in (0, 1).
            var radius = Math.Sqrt(-2.0 * Math.Log(Uniform()));
            var angle = 2.0 * Math.PI * Uniform();
            destination[i] = (float)(mean + std * radius * Math.Cos(angle));
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)(mean + std * radius * Math.Sin(angle));
            }
        }
    }

    private double Uniform() => ((Next() >> 11) + 0.5) * (1.0 / (1UL << 53));

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }
        return hash;
    }
}
