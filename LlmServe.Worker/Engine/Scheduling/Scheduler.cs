using LlmServe.Worker.Engine.KvCache;

namespace LlmServe.Worker.Engine.Scheduling;

/// <summary>
/// vLLM's scheduler without prefill/decode phases: each step, every running request gets its next tokens
/// (one for a decode, a chunk for a prefill) under a token budget, then waiting requests are admitted while
/// budget, sequence slots and KV blocks last. When a running request cannot get a block, the lowest-ranked
/// running request is preempted: its blocks are freed and it is recomputed later.
/// </summary>
internal sealed class Scheduler(SchedulerOptions options, KvCacheManager kv)
{
    private readonly List<EngineRequest> _waiting = [];
    private readonly List<EngineRequest> _running = [];

    public int NumWaiting => _waiting.Count;
    public int NumRunning => _running.Count;
    public long NumPreemptions { get; private set; }
    public bool HasRequests => _waiting.Count > 0 || _running.Count > 0;
    public IEnumerable<EngineRequest> All => _running.Concat(_waiting);

    public void Add(EngineRequest request)
    {
        request.Status = RequestStatus.Waiting;
        Enqueue(request);
    }

    public IReadOnlyList<ScheduledRequest> Schedule()
    {
        var budget = options.MaxNumBatchedTokens;
        var scheduled = new List<ScheduledRequest>();
        var preempted = false;
        for (var i = 0; i < _running.Count && budget > 0; i++)
        {
            var request = _running[i];
            var count = ChunkSize(request, budget);
            while (!kv.AllocateSlots(request, count))
            {
                var victim = PickVictim();
                var victimIndex = _running.IndexOf(victim);
                Preempt(victim);
                preempted = true;
                var already = scheduled.FindIndex(s => s.Request == victim);
                if (already >= 0)
                {
                    // Under the priority policy the victim may have been given tokens earlier in this step.
                    budget += scheduled[already].NumTokens;
                    scheduled.RemoveAt(already);
                }
                if (victimIndex <= i)
                {
                    i--;   // the running list shifted left under the cursor
                }
                if (victim == request)
                {
                    count = 0;
                    break;
                }
            }
            if (count > 0)
            {
                scheduled.Add(new ScheduledRequest(request, count));
                budget -= count;
            }
        }
        // A step that had to preempt is out of memory: admitting more would only preempt again.
        while (!preempted && _waiting.Count > 0 && _running.Count < options.MaxNumSeqs && budget > 0)
        {
            var request = _waiting[0];
            // A cached block has K/V but no logits: a request that wants its prompt's log-probabilities computes it all.
            var prefix = request.NumComputedTokens == 0 && !request.NeedsPromptLogits ? kv.FindCachedPrefix(request) : [];
            request.NumComputedTokens = prefix.Count * kv.BlockSize;
            var count = ChunkSize(request, budget);
            if (!kv.AllocateSlots(request, count, prefix))
            {
                request.NumComputedTokens = 0;
                break;
            }
            _waiting.RemoveAt(0);
            request.Status = RequestStatus.Running;
            _running.Add(request);
            scheduled.Add(new ScheduledRequest(request, count));
            budget -= count;
        }
        return scheduled;
    }

    /// <summary>
    /// The request's next chunk under the step's remaining budget. A prompt whose log-probabilities are wanted moves
    /// at most <see cref="MaxPromptLogitRows"/> positions a step, since each position costs a row of logits; see
    /// <see cref="SchedulerOptions.RecomputeAsDecoded"/> for the other limit.
    /// </summary>
    private int ChunkSize(EngineRequest request, int budget)
    {
        var count = Math.Min(request.NumTokens - request.NumComputedTokens, budget);
        if (options.RecomputeAsDecoded)
        {
            var promptLeft = request.Prompt.Length - request.NumComputedTokens;
            count = Math.Min(count, promptLeft > 0 ? promptLeft : 1);
        }
        return request.NeedsPromptLogits ? Math.Min(count, MaxPromptLogitRows) : count;
    }

    /// <summary>Rows of vocabulary-wide float32 logits one request may add to a step (128 x 152k ~ 78 MB).</summary>
    public const int MaxPromptLogitRows = 128;

    /// <summary>Advances computed counts after the step's forward pass.</summary>
    public void Advance(IReadOnlyList<ScheduledRequest> scheduled)
    {
        foreach (var s in scheduled)
        {
            s.Request.NumComputedTokens += s.NumTokens;
        }
    }

    /// <summary>Removes a finished or cancelled request and frees its blocks at once.</summary>
    public void Finish(EngineRequest request)
    {
        _running.Remove(request);
        _waiting.Remove(request);
        kv.Free(request);
        request.Status = RequestStatus.Finished;
    }

    private EngineRequest PickVictim() => options.Policy == SchedulingPolicy.Priority
        ? _running.OrderByDescending(r => r.Priority).ThenByDescending(r => r.ArrivalOrder).First()
        : _running[^1];

    private void Preempt(EngineRequest victim)
    {
        _running.Remove(victim);
        kv.Free(victim);
        victim.NumComputedTokens = 0;
        victim.Status = RequestStatus.Preempted;
        NumPreemptions++;
        Enqueue(victim, front: options.Policy == SchedulingPolicy.Fcfs);
    }

    private void Enqueue(EngineRequest request, bool front = false)
    {
        if (options.Policy == SchedulingPolicy.Priority)
        {
            var at = _waiting.FindIndex(w => (w.Priority, w.ArrivalOrder).CompareTo((request.Priority, request.ArrivalOrder)) > 0);
            _waiting.Insert(at < 0 ? _waiting.Count : at, request);
        }
        else if (front)
        {
            _waiting.Insert(0, request);
        }
        else
        {
            _waiting.Add(request);
        }
    }
}
