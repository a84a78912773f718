using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LlmServe.Bench.Measure;

/// <summary>
/// Memory bandwidth from large arrays, the denominator of the batch-1 decode floor (weight bytes / bandwidth).
/// </summary>
/// <remarks>
/// Two numbers: a copy (counted as read + write traffic) and a read-only sum, both split across every core because
/// a decode step streams the weights with all of them. Decode mostly reads, so the floor uses the read figure.
/// The arrays are far larger than any cache so the figures are DRAM's.
/// </remarks>
internal static class MemoryBandwidth
{
    public sealed record Result(double CopyGBps, double ReadGBps);

    public static Result Measure(long bytes, int repetitions)
    {
        var source = new byte[bytes];
        var target = new byte[bytes];
        new System.Random(1).NextBytes(source.AsSpan(0, (int)Math.Min(bytes, 1 << 20)));
        source.AsSpan().Fill(1); // touch every page before timing
        target.AsSpan().Fill(0);
        var parts = Environment.ProcessorCount;
        var chunk = bytes / parts;

        double bestCopy = double.MaxValue, bestRead = double.MaxValue;
        for (var r = 0; r < repetitions; r++)
        {
            var start = Stopwatch.GetTimestamp();
            Parallel.For(0, parts, p => source.AsSpan((int)(p * chunk), (int)chunk).CopyTo(target.AsSpan((int)(p * chunk), (int)chunk)));
            bestCopy = Math.Min(bestCopy, Stopwatch.GetElapsedTime(start).TotalSeconds);

            start = Stopwatch.GetTimestamp();
            var sums = new ulong[parts];
            Parallel.For(0, parts, p => sums[p] = Sum(source.AsSpan((int)(p * chunk), (int)chunk)));
            bestRead = Math.Min(bestRead, Stopwatch.GetElapsedTime(start).TotalSeconds);
            GC.KeepAlive(sums);
        }
        var moved = (double)chunk * parts;
        return new Result(2 * moved / bestCopy / 1e9, moved / bestRead / 1e9);
    }

    private static ulong Sum(ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        var acc = Vector<ulong>.Zero;
        var vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(words);
        foreach (var v in vectors)
        {
            acc += v;
        }
        return Vector.Sum(acc);
    }
}
