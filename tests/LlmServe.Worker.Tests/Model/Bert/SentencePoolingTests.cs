using LlmServe.Worker.Model.Bert;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Bert;

public sealed class SentencePoolingTests
{
    // Two sequences of three positions, d = 2; the second sequence has one real token, then padding.
    private static readonly float[] Hidden = [1, 2, 3, 4, 100, 100, 5, 6, -7, 8, 9, 10];
    private static readonly bool[] Mask = [true, true, false, true, false, false];

    [Fact]
    public void Pool_Mean_AveragesOnlyRealTokens()
    {
        using var scope = NewDisposeScope();

        var pooled = SentencePooling.Pool(torch.tensor(Hidden, [2, 3, 2]), torch.tensor(Mask, [2, 3]), PoolingMode.Mean);

        Assert.Equal([2f, 3f, 5f, 6f], pooled.data<float>().ToArray()); // (1+3)/2, (2+4)/2; the lone token itself
    }

    [Fact]
    public void Pool_Cls_TakesTheFirstToken()
    {
        using var scope = NewDisposeScope();

        var pooled = SentencePooling.Pool(torch.tensor(Hidden, [2, 3, 2]), torch.tensor(Mask, [2, 3]), PoolingMode.Cls);

        Assert.Equal([1f, 2f, 5f, 6f], pooled.data<float>().ToArray());
    }

    [Fact]
    public void Normalize_ScalesRowsToUnitLength_AndLeavesZeroRowsFinite()
    {
        using var scope = NewDisposeScope();

        var normalized = SentencePooling.Normalize(torch.tensor(new float[] { 3, 4, 0, 0 }, [2, 2]));

        Assert.Equal([0.6f, 0.8f, 0f, 0f], normalized.data<float>().ToArray());
    }
}
