using LlmServe.Rag.Collections;

namespace LlmServe.Rag.Tests.Collections;

public sealed class ReciprocalRankFusionTests
{
    [Fact]
    public void AnItemRankedWellByBothLists_BeatsOneRankedFirstByOnlyOne()
    {
        var fused = ReciprocalRankFusion.Fuse<string>([["a", "b", "c"], ["b", "d", "a"]]);

        Assert.Equal(["b", "a", "d", "c"], fused.Select(f => f.Key));
        Assert.Equal((1.0 / 62) + (1.0 / 61), fused[0].Score, 12);
    }

    [Fact]
    public void Ties_KeepTheOrderOfFirstAppearance()
    {
        var fused = ReciprocalRankFusion.Fuse<string>([["x"], ["y"]]);

        Assert.Equal(["x", "y"], fused.Select(f => f.Key));
    }
}
