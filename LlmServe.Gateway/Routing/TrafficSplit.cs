using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Pure weighted choice among a deployment's versions. A point in [0, 1) falls into one version's share of the
/// cumulative weights: a random point splits traffic by weight, a point hashed from a session or user id pins that
/// caller to one version for as long as the weights stay the same.
/// </summary>
/// <remarks>
/// Weights 9 and 1 make the ranges [0, 0.9) and [0.9, 1): point 0.42 -> index 0, point 0.95 -> index 1.
/// Versions with weight 0 own an empty range and are never chosen.
/// </remarks>
internal static class TrafficSplit
{
    /// <summary>The index of the version whose range contains <paramref name="point"/>, or -1 when no weight is positive.</summary>
    public static int Choose(IReadOnlyList<double> weights, double point)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += Positive(w);
        }
        if (total <= 0)
        {
            return -1;
        }

        var target = Math.Clamp(point, 0, 1) * total;
        var cumulative = 0.0;
        var last = -1;
        for (var i = 0; i < weights.Count; i++)
        {
            var weight = Positive(weights[i]);
            if (weight <= 0)
            {
                continue;
            }
            last = i;
            cumulative += weight;
            if (target < cumulative)
            {
                return i;
            }
        }
        // point == 1 or rounding at the top edge: the last positive range.
        return last;
    }

    /// <summary>A stable, uniformly spread point in [0, 1) for a sticky key (SHA-256, so no caller can aim at a version).</summary>
    public static double StickyPoint(string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        // 53 random bits make an exact double in [0, 1).
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }

    private static double Positive(double weight) => double.IsFinite(weight) && weight > 0 ? weight : 0;
}
