namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Hands out a phase's work items to the members of a <see cref="KernelTeam"/>: each member first takes its own
/// contiguous share in order, then helps whoever has items left. A member that streams a contiguous run of weight
/// chunks keeps the hardware prefetcher on one stream, and the tiles' look-ahead at the end of a chunk reads the start
/// of that member's next one; a single shared cursor dealt the chunks out alternately, so every chunk started cold
/// (and every claim moved the cursor's cache line between cores).
/// </summary>
internal static unsafe class TeamWork
{
    /// <summary>Ints between two members' cursors, so claims on one do not move the other's cache line.</summary>
    public const int CursorSpacing = 16;

    /// <summary>Ints a phase's cursors take for a team of <paramref name="members"/>.</summary>
    public static int CursorInts(int members) => members * CursorSpacing;

    /// <summary>
    /// Claims the next of <paramref name="items"/> work items for member <paramref name="member"/> of
    /// <paramref name="members"/> from a phase's zeroed cursors (<see cref="CursorInts"/> ints); false when none is left.
    /// Every item is claimed exactly once however the members interleave.
    /// </summary>
    public static bool Next(int* cursors, int member, int members, int items, out int item)
    {
        for (var i = 0; i < members; i++)
        {
            var owner = (member + i) % members;
            var start = Share(items, owner, members);
            var count = Share(items, owner + 1, members) - start;
            var cursor = cursors + owner * CursorSpacing;
            // A drained share is skipped without a write, so finished members don't keep taking its cache line.
            if (Volatile.Read(ref *cursor) >= count)
            {
                continue;
            }
            var claimed = Interlocked.Increment(ref *cursor) - 1;
            if (claimed < count)
            {
                item = start + claimed;
                return true;
            }
        }
        item = -1;
        return false;
    }

    /// <summary>Where member <paramref name="owner"/>'s share of <paramref name="items"/> starts.</summary>
    private static int Share(int items, int owner, int members) => (int)((long)items * owner / members);
}
