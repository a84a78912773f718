namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Which part of a dot product one assembled tile call runs (<see cref="Bf16DotTiles"/>): all of K, or one stretch of
/// a K split so that a stretch of the input rows stays in the first-level cache while every tile of a call reads it,
/// or all of K for one tile whose weights stay in that cache while blocks of input rows pass.
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

    /// <summary>All of K for one tile of weight rows against consecutive blocks of input rows, each reduced to sums.</summary>
    Sweep,
}
