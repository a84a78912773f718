using System.Collections.Concurrent;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

public sealed class KernelTeamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Run_EveryMemberRunsTheJobOnce(int size)
    {
        using var team = new KernelTeam(size);
        var seen = new ConcurrentBag<int>();

        team.Run(member => seen.Add(member.Index));

        Assert.Equal(Enumerable.Range(0, size), seen.Order());
    }

    [Fact]
    public void Barrier_NoMemberLeavesBeforeEveryMemberArrived()
    {
        const int size = 3, phases = 2_000;
        using var team = new KernelTeam(size);
        var arrivals = new int[phases];
        var early = 0;

        team.Run(member =>
        {
            for (var p = 0; p < phases; p++)
            {
                Interlocked.Increment(ref arrivals[p]);
                member.Barrier();
                if (Volatile.Read(ref arrivals[p]) != size)
                {
                    Interlocked.Increment(ref early);
                }
            }
        });

        Assert.Equal(0, early);
        Assert.All(arrivals, a => Assert.Equal(size, a));
    }

    [Fact]
    public void Run_AMemberThrows_RethrowsInsteadOfLeavingTheOthersAtTheBarrier()
    {
        using var team = new KernelTeam(3);

        var error = Assert.Throws<InvalidOperationException>(() => team.Run(member =>
        {
            for (var p = 0; p < 10; p++)
            {
                if (member.Index == 1 && p == 5)
                {
                    throw new ArithmeticException("member 1 failed");
                }
                member.Barrier();
            }
        }));

        Assert.IsType<ArithmeticException>(error.InnerException);
        var runs = 0;
        team.Run(member =>
        {
            member.Barrier();
            Interlocked.Increment(ref runs);
        });
        Assert.Equal(3, runs);
    }

    [Fact]
    public async Task Run_FromSeveralThreads_RunsTheJobsOneAtATime()
    {
        using var team = new KernelTeam(2);
        var inside = 0;
        var overlapped = false;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                team.Run(member =>
                {
                    if (member.Index == 0 && Interlocked.Increment(ref inside) != 1)
                    {
                        overlapped = true;
                    }
                    member.Barrier();
                    if (member.Index == 0)
                    {
                        Interlocked.Decrement(ref inside);
                    }
                });
            }
        })));

        Assert.False(overlapped);
    }

    [Fact]
    public void Run_AfterDispose_Throws()
    {
        var team = new KernelTeam(2);
        team.Dispose();

        Assert.Throws<ObjectDisposedException>(() => team.Run(_ => { }));
    }
}
