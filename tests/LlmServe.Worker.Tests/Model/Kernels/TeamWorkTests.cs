using System.Collections.Concurrent;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

public sealed unsafe class TeamWorkTests
{
    [Theory]
    [InlineData(1, 7)]
    [InlineData(2, 75)]
    [InlineData(3, 10)]
    [InlineData(3, 2)]
    [InlineData(2, 0)]
    public void Next_ATeamClaimsEveryItemExactlyOnce(int members, int items)
    {
        using var team = new KernelTeam(members);
        var cursors = new int[TeamWork.CursorInts(members)];
        var claimed = new ConcurrentBag<int>();

        fixed (int* c = cursors)
        {
            var address = (nint)c;
            team.Run(member =>
            {
                while (TeamWork.Next((int*)address, member.Index, member.Count, items, out var item))
                {
                    claimed.Add(item);
                    Thread.SpinWait(50 * (member.Index + 1));   // members at different speeds, so some help others
                }
            });
        }

        Assert.Equal(Enumerable.Range(0, items), claimed.Order());
    }

    [Fact]
    public void Next_AMemberTakesItsOwnShareInOrderBeforeHelping()
    {
        var cursors = new int[TeamWork.CursorInts(2)];
        var order = new List<int>();

        fixed (int* c = cursors)
        {
            while (TeamWork.Next(c, 1, 2, 9, out var item))
            {
                order.Add(item);
            }
        }

        // Member 1 of 2 owns items 4..8; the other member never came, so it then takes 0..3 as well.
        Assert.Equal([4, 5, 6, 7, 8, 0, 1, 2, 3], order);
    }

    [Fact]
    public void Next_AShareAlreadyTakenIsNotHandedOutAgain()
    {
        var cursors = new int[TeamWork.CursorInts(2)];
        fixed (int* c = cursors)
        {
            Assert.True(TeamWork.Next(c, 0, 2, 2, out var first));
            Assert.True(TeamWork.Next(c, 0, 2, 2, out var second));

            Assert.False(TeamWork.Next(c, 1, 2, 2, out _));
            Assert.Equal((0, 1), (first, second));
        }
    }
}
