using LlmServe.Worker.Engine.KvCache;
using LlmServe.Worker.Engine.Scheduling;

namespace LlmServe.Worker.Tests.Engine.Scheduling;

public sealed class SchedulerTests
{
    private static (Scheduler, KvCacheManager) Create(int blocks, int budget, int maxSeqs = 8, SchedulingPolicy policy = SchedulingPolicy.Fcfs)
    {
        var kv = new KvCacheManager(new BlockPool(blocks), blockSize: 4, enablePrefixCaching: false);
        return (new Scheduler(new SchedulerOptions { MaxNumBatchedTokens = budget, MaxNumSeqs = maxSeqs, Policy = policy }, kv), kv);
    }

    [Fact]
    public void Schedule_LongPrompt_IsChunkedUnderTheTokenBudget()
    {
        var (scheduler, _) = Create(blocks: 20, budget: 8);
        var request = EngineTestRequests.Create(promptLength: 20);
        scheduler.Add(request);

        var counts = new List<int>();
        for (var step = 0; step < 3; step++)
        {
            var s = scheduler.Schedule();
            counts.Add(s.Single().NumTokens);
            scheduler.Advance(s);
        }

        Assert.Equal([8, 8, 4], counts);                   // 20 prompt tokens in chunks of at most 8
        Assert.Equal(20, request.NumComputedTokens);
    }

    [Fact]
    public void Schedule_RunningDecodesFirst_ThenNewPrefillsWithTheRest()
    {
        var (scheduler, _) = Create(blocks: 20, budget: 6);
        var a = EngineTestRequests.Create(promptLength: 4);
        scheduler.Add(a);
        scheduler.Advance(scheduler.Schedule());
        a.AppendOutput(42);                                // a now decodes one token per step
        var b = EngineTestRequests.Create(promptLength: 10);
        scheduler.Add(b);

        var step = scheduler.Schedule();

        Assert.Equal([(a, 1), (b, 5)], step.Select(s => (s.Request, s.NumTokens)));
        Assert.True(step[0].Samples);
        Assert.False(step[1].Samples);                     // b's prompt is not complete yet
    }

    [Fact]
    public void Schedule_MaxNumSeqs_LimitsRunningRequests()
    {
        var (scheduler, _) = Create(blocks: 20, budget: 100, maxSeqs: 2);
        for (var i = 0; i < 3; i++)
        {
            scheduler.Add(EngineTestRequests.Create(promptLength: 2));
        }

        Assert.Equal(2, scheduler.Schedule().Count);
        Assert.Equal(1, scheduler.NumWaiting);
    }

    [Fact]
    public void Schedule_OutOfBlocks_PreemptsTheLatestRunningRequestByRecompute()
    {
        var (scheduler, kv) = Create(blocks: 2, budget: 100);
        var a = EngineTestRequests.Create(promptLength: 4);
        var b = EngineTestRequests.Create(promptLength: 4);
        scheduler.Add(a);
        scheduler.Add(b);
        scheduler.Advance(scheduler.Schedule());           // each holds its one full block
        a.AppendOutput(9);
        b.AppendOutput(9);

        var step = scheduler.Schedule();                   // a needs a second block: none is free

        Assert.Equal([a], step.Select(s => s.Request));
        Assert.Equal(1, scheduler.NumPreemptions);
        Assert.Equal(0, b.NumComputedTokens);              // recomputed from scratch later
        Assert.Equal(1, scheduler.NumWaiting);
        Assert.Equal(2, a.Blocks.Count);
        Assert.Equal(0, kv.Pool.FreeCount);
    }

    [Fact]
    public void Schedule_PriorityPolicy_AdmitsLowerValuesFirst()
    {
        var (scheduler, _) = Create(blocks: 20, budget: 4, policy: SchedulingPolicy.Priority);
        var low = EngineTestRequests.Create(promptLength: 4, priority: 5);
        var high = EngineTestRequests.Create(promptLength: 4, priority: -1);
        scheduler.Add(low);
        scheduler.Add(high);

        Assert.Equal([high], scheduler.Schedule().Select(s => s.Request));
    }

    [Fact]
    public void Finish_FreesBlocksAtOnce()
    {
        var (scheduler, kv) = Create(blocks: 4, budget: 100);
        var a = EngineTestRequests.Create(promptLength: 9);
        scheduler.Add(a);
        scheduler.Schedule();
        Assert.Equal(3.0 / 4, kv.Pool.Usage);

        scheduler.Finish(a);

        Assert.Equal(0, kv.Pool.Usage);
        Assert.False(scheduler.HasRequests);
    }
}
