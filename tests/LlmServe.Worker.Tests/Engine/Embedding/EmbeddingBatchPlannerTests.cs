using LlmServe.Worker.Engine.Embedding;

namespace LlmServe.Worker.Tests.Engine.Embedding;

public sealed class EmbeddingBatchPlannerTests
{
    [Fact]
    public void Plan_FitsInBudget_OneGroupShortestFirst()
    {
        var groups = EmbeddingBatchPlanner.Plan([5, 2, 9, 2], maxBatchTokens: 64);

        // 4 x 9 = 36 padded tokens <= 64; ties keep arrival order.
        Assert.Equal([[1, 3, 0, 2]], groups);
    }

    [Fact]
    public void Plan_OverBudget_CutsWhenCountTimesLongestWouldExceedIt()
    {
        var groups = EmbeddingBatchPlanner.Plan([10, 10, 10, 30, 30], maxBatchTokens: 60);

        // 3 x 10 = 30 fits; adding a 30 would make 4 x 30 = 120. Then 2 x 30 = 60 fits exactly.
        Assert.Equal([[0, 1, 2], [3, 4]], groups);
    }

    [Fact]
    public void Plan_SequenceLongerThanBudget_RunsAlone()
    {
        var groups = EmbeddingBatchPlanner.Plan([100, 3], maxBatchTokens: 50);

        Assert.Equal([[1], [0]], groups);
    }

    [Fact]
    public void Plan_Nothing_NoGroups()
    {
        Assert.Empty(EmbeddingBatchPlanner.Plan([], maxBatchTokens: 50));
    }
}
