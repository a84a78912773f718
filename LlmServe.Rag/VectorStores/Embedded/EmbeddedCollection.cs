namespace LlmServe.Rag.VectorStores.Embedded;

/// <summary>
/// One collection of the embedded store: the write-ahead log is the truth, the USearch HNSW graph and the record
/// maps are rebuilt from it when the collection opens, so whatever an acknowledged upsert wrote is searchable
/// again after a crash.
/// </summary>
/// <remarks>
/// Writes go to the log first (fsynced), then to memory, under one writer lock; searches take the reader side.
/// HNSW keys are assigned in memory in replay order and never persisted: the graph is derived state.
/// </remarks>
internal sealed class EmbeddedCollection : IDisposable
{
    /// <summary>Under this many records passing a filter, filtered search scans them exactly instead of the graph.</summary>
    internal const int ExactFilterLimit = 4096;

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<string, ulong[]> _keysByDocument = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, VectorRecord> _records = [];
    private readonly HnswGraph _index;
    private WriteAheadLog _log;
    private ulong _nextKey;

    private EmbeddedCollection(CollectionInfo info, HnswOptions hnsw, string folder)
    {
        Info = info;
        _index = new HnswGraph(info.Dimension, hnsw);
        List<LogEntry> replayed = [];
        _log = WriteAheadLog.Open(Path.Combine(folder, LogFileName), payload => replayed.Add(LogEntry.Deserialize(payload)));
        foreach (var entry in replayed)
        {
            Apply(entry);
        }
        ReplayedEntries = replayed.Count;
    }

    public const string LogFileName = "records.wal";

    public CollectionInfo Info { get; }

    /// <summary>Log entries replayed when the collection opened.</summary>
    public int ReplayedEntries { get; }

    /// <summary>Bytes of a torn log tail dropped when the collection opened.</summary>
    public long TruncatedBytes => _log.TruncatedBytes;

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _records.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public static EmbeddedCollection Open(CollectionInfo info, HnswOptions hnsw, string folder) =>
        new(info, hnsw, folder);

    public void Upsert(string document, IReadOnlyList<VectorRecord> records)
    {
        var normalized = records.Select(r => r with { Vector = VectorMath.Normalize(r.Vector) }).ToList();
        var entry = new LogEntry(document, normalized);
        var payload = entry.Serialize();
        _lock.EnterWriteLock();
        try
        {
            _log.Append(payload);
            Apply(entry);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public bool Delete(string document)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_keysByDocument.ContainsKey(document))
            {
                return false;
            }
            var entry = new LogEntry(document, null);
            _log.Append(entry.Serialize());
            Apply(entry);
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>ef_search of this collection's graph from now on (benchmarks sweep it on one built graph).</summary>
    public int ExpansionSearch
    {
        set
        {
            _lock.EnterWriteLock();
            try
            {
                _index.ExpansionSearch = value;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
    }

    /// <summary>Approximate top-k through the HNSW graph (exact over the passing records for a selective filter).</summary>
    public IReadOnlyList<VectorHit> Search(float[] query, int topK, VectorFilter? filter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var unit = VectorMath.Normalize(query);
        _lock.EnterReadLock();
        try
        {
            if (_records.Count == 0)
            {
                return [];
            }
            if (filter is not null)
            {
                var passing = _records.Values.Where(filter.Matches).ToList();
                if (passing.Count <= ExactFilterLimit)
                {
                    return Exact(unit, passing, topK);
                }
            }
            // A filter that passes many records: ask the graph for more and keep the passing ones, widening until
            // k pass or the whole collection was considered.
            for (var wanted = filter is null ? topK : topK * 4; ; wanted *= 2)
            {
                var count = Math.Min(wanted, _records.Count);
                var (keys, distances) = _index.Search(unit, count);
                List<VectorHit> hits = [];
                for (var i = 0; i < keys.Length && hits.Count < topK; i++)
                {
                    var record = _records[keys[i]];
                    if (filter is null || filter.Matches(record))
                    {
                        hits.Add(new VectorHit(record, 1.0 - distances[i]));
                    }
                }
                if (hits.Count == topK || count == _records.Count)
                {
                    return hits;
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The exact top-k by brute force over every record: the oracle for the graph's answers.</summary>
    public IReadOnlyList<VectorHit> ExactSearch(float[] query, int topK, VectorFilter? filter = null)
    {
        var unit = VectorMath.Normalize(query);
        _lock.EnterReadLock();
        try
        {
            return Exact(unit, [.. _records.Values.Where(r => filter?.Matches(r) ?? true)], topK);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public IReadOnlyList<VectorRecord> Records()
    {
        _lock.EnterReadLock();
        try
        {
            return [.. _keysByDocument.Values.SelectMany(keys => keys.Select(k => _records[k]))];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Checks that the graph and the records agree: the same count, every record's key present in the graph, and
    /// each record found as its own nearest neighbour's score (a self-query scores ~1). Returns the problems found.
    /// </summary>
    public IReadOnlyList<string> Verify()
    {
        _lock.EnterReadLock();
        try
        {
            List<string> problems = [];
            if (_index.Size != _records.Count)
            {
                problems.Add($"The graph holds {_index.Size} vectors but the log has {_records.Count} records.");
            }
            foreach (var key in _records.Keys.Where(k => !_index.Contains(k)))
            {
                problems.Add($"Record {_records[key].Key} is missing from the graph.");
            }
            return problems;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Rewrites the log as one entry per live document, dropping superseded and deleted entries. Writers wait;
    /// the rename makes it atomic, so a crash leaves either the old log or the new one.
    /// </summary>
    public void Compact()
    {
        _lock.EnterWriteLock();
        try
        {
            var entries = _keysByDocument
                .Select(pair => new LogEntry(pair.Key, [.. pair.Value.Select(k => _records[k])]).Serialize());
            var path = _log.Path;
            _log.Dispose();
            WriteAheadLog.Rewrite(path, entries);
            _log = WriteAheadLog.Open(path, _ => { });
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Dispose()
    {
        _log.Dispose();
        _index.Dispose();
        _lock.Dispose();
    }

    private static IReadOnlyList<VectorHit> Exact(float[] unit, List<VectorRecord> candidates, int topK) =>
        candidates.Count == 0
            ? []
            : [.. VectorMath.ExactTopK(unit, [.. candidates.Select(c => c.Vector)], topK)
                .Select(hit => new VectorHit(candidates[hit.Index], hit.Score))];

    /// <summary>Applies a logged change to the graph and the maps (also during replay). Callers hold the writer lock.</summary>
    private void Apply(LogEntry entry)
    {
        if (_keysByDocument.Remove(entry.Document, out var oldKeys))
        {
            foreach (var key in oldKeys)
            {
                _index.Remove(key);
                _records.Remove(key);
            }
        }
        if (entry.Records is not { Count: > 0 } records)
        {
            return;
        }
        var keys = new ulong[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            keys[i] = _nextKey++;
            _records[keys[i]] = records[i];
        }
        _index.Add(keys, [.. records.Select(r => r.Vector)]);
        _keysByDocument[entry.Document] = keys;
    }
}
