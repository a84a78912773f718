namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// A fixed team of threads that runs one job together, its members meeting at spin barriers between the job's phases.
/// A decode step of a small batch is ~100 short parallel phases (every linear of every layer); a thread-pool dispatch
/// per phase costs tens of microseconds of wake-up and hand-off each, a barrier between threads that are already
/// running well under one. Members spin only while a job runs and block between jobs, so an idle replica costs nothing.
/// </summary>
/// <remarks>
/// One job runs at a time (callers queue on a lock). A member that throws fails the job: the others leave their
/// barriers instead of waiting for it, and <see cref="Run"/> rethrows the first exception.
/// </remarks>
internal sealed class KernelTeam : IDisposable
{
    private readonly object _gate = new();
    private readonly SemaphoreSlim[] _starts;                  // one per helper: a shared one could start a fast helper twice
    private readonly Thread[] _helpers;
    private Action<Member>? _job;
    private int _running;
    private int _arrived;
    private int _generation;
    private volatile bool _faulted;
    private volatile bool _disposed;
    private Exception? _error;

    /// <param name="size">Threads in the team, the caller of <see cref="Run"/> included.</param>
    public KernelTeam(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        _helpers = new Thread[size - 1];
        _starts = [.. _helpers.Select(_ => new SemaphoreSlim(0))];
        for (var i = 0; i < _helpers.Length; i++)
        {
            var index = i + 1;
            _helpers[i] = new Thread(() => HelperLoop(index)) { IsBackground = true, Name = $"kernel-team-{index}" };
            _helpers[i].Start();
        }
    }

    /// <summary>One member per core: the decode step is bound by memory bandwidth, which two cores' loads already need.</summary>
    public static KernelTeam Shared { get; } = new(Math.Max(1, Environment.ProcessorCount));

    public int Size { get; }

    /// <summary>Runs <paramref name="job"/> on every member (the calling thread is member 0) and returns when all are done.</summary>
    public void Run(Action<Member> job)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _job = job;
            _faulted = false;
            _error = null;
            _arrived = 0;
            Volatile.Write(ref _running, Size);
            foreach (var start in _starts)
            {
                start.Release();
            }
            Execute(0);
            var spin = new SpinWait();
            while (Volatile.Read(ref _running) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            _job = null;
            if (_error is { } error)
            {
                throw new InvalidOperationException("A kernel team job failed.", error);
            }
        }
    }

    private void HelperLoop(int index)
    {
        while (true)
        {
            _starts[index - 1].Wait();
            if (_disposed)
            {
                return;
            }
            Execute(index);
        }
    }

    private void Execute(int index)
    {
        try
        {
            _job!(new Member(this, index));
        }
        catch (TeamFaultedException)
        {
            // Another member failed first; its exception is the one reported.
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
            _faulted = true;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>Waits until every member has arrived; the last to arrive releases the others.</summary>
    private void Barrier()
    {
        if (Size == 1)
        {
            return;
        }
        var generation = Volatile.Read(ref _generation);
        if (Interlocked.Increment(ref _arrived) == Size)
        {
            // Reset before release: nobody can arrive at the next barrier until the generation moves on.
            _arrived = 0;
            Volatile.Write(ref _generation, generation + 1);
            return;
        }
        var spin = new SpinWait();
        while (Volatile.Read(ref _generation) == generation)
        {
            if (_faulted)
            {
                throw new TeamFaultedException();
            }
            // Spins briefly, then yields the core rather than sleeping: phases are microseconds long.
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var start in _starts)
            {
                start.Release();
            }
        }
    }

    /// <summary>One member's view of the running job.</summary>
    public readonly struct Member(KernelTeam team, int index)
    {
        public int Index { get; } = index;

        public int Count => team.Size;

        public void Barrier() => team.Barrier();
    }

    private sealed class TeamFaultedException : Exception;
}
