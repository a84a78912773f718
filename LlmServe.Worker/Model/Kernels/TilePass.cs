namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Which part of a dot product one assembled tile call runs (<see cref="Bf16DotTiles"/>): all of K, or one stretch of
/// a K split so that a stretch of the input rows stays in the first-level cache while every tile of a call reads it.
/// (A sweep, one tile's weights against blocks of input rows, has loops of its own: <c>Bf16DotTiles.RunSweep</c>.)
/// </summary>
internal enum TilePass
{
    /// <summary>All of K: accumulators start at zero and are reduced to sums.</summary>
    Whole,

    /// <summary>The first stretch: accumulators start at zero and are left in memory.</summary>
    First,

    /// <summary>A middle stretch: accumulators start from memory and are left there.</summary>
    Middle,

    /// <summary>The last stretch: accumulators start from memory and are reduced to sums.</summary>
    Last,
}
