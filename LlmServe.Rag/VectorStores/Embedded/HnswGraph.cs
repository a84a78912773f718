using Cloud.Unum.USearch;

namespace LlmServe.Rag.VectorStores.Embedded;

/// <summary>
/// A USearch HNSW graph of unit float32 vectors under cosine distance, keyed by ulong. Inserts of a batch run on
/// several threads (USearch allows concurrent inserts into reserved capacity); callers serialise batches against
/// searches (the collection's reader/writer lock). Search threads: up to <see cref="SearchThreads"/> at once.
/// </summary>
internal sealed unsafe class HnswGraph : IDisposable
{
    /// <summary>Concurrent searches the graph keeps per-thread scratch space for.</summary>
    public const int SearchThreads = 64;

    private readonly int _dimension;
    private readonly int _insertThreads = Math.Max(1, Environment.ProcessorCount);
    private IntPtr _index;

    public HnswGraph(int dimension, HnswOptions options)
    {
        _dimension = dimension;
        var init = new UsearchNative.InitOptions
        {
            MetricKind = MetricKind.Cos,
            Quantization = ScalarKind.Float32,
            Dimensions = (nuint)dimension,
            Connectivity = (nuint)options.Connectivity,
            ExpansionAdd = (nuint)options.ExpansionAdd,
            ExpansionSearch = (nuint)options.ExpansionSearch,
        };
        _index = UsearchNative.Init(&init, out var error);
        UsearchNative.Check(error, "init");
        UsearchNative.ChangeThreadsAdd(_index, (nuint)_insertThreads, out error);
        UsearchNative.Check(error, "change_threads_add");
        UsearchNative.ChangeThreadsSearch(_index, SearchThreads, out error);
        UsearchNative.Check(error, "change_threads_search");
    }

    public long Size
    {
        get
        {
            var size = UsearchNative.Size(_index, out var error);
            UsearchNative.Check(error, "size");
            return (long)size;
        }
    }

    /// <summary>Candidate list size of searches from now on (ef_search); recall against time, on the built graph.</summary>
    public int ExpansionSearch
    {
        set
        {
            UsearchNative.ChangeExpansionSearch(_index, (nuint)value, out var error);
            UsearchNative.Check(error, "change_expansion_search");
        }
    }

    public bool Contains(ulong key)
    {
        var found = UsearchNative.Contains(_index, key, out var error);
        UsearchNative.Check(error, "contains");
        return found;
    }

    /// <summary>Inserts a batch; capacity is reserved once for all of it, then inserts run in parallel.</summary>
    public void Add(IReadOnlyList<ulong> keys, IReadOnlyList<float[]> vectors)
    {
        var needed = (nuint)(Size + keys.Count);
        var capacity = UsearchNative.Capacity(_index, out var error);
        UsearchNative.Check(error, "capacity");
        if (needed > capacity)
        {
            // Grow geometrically so a stream of small batches does not reallocate each time.
            UsearchNative.Reserve(_index, Math.Max(needed, capacity * 2), out error);
            UsearchNative.Check(error, "reserve");
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = keys.Count < 64 ? 1 : _insertThreads };
        Parallel.For(0, keys.Count, options, i =>
        {
            var vector = vectors[i];
            if (vector.Length != _dimension)
            {
                throw new ArgumentException($"Vector of dimension {vector.Length}, expected {_dimension}.");
            }
            fixed (float* data = vector)
            {
                UsearchNative.Add(_index, keys[i], data, ScalarKind.Float32, out var addError);
                UsearchNative.Check(addError, "add");
            }
        });
    }

    public void Remove(ulong key)
    {
        UsearchNative.Remove(_index, key, out var error);
        UsearchNative.Check(error, "remove");
    }

    /// <summary>The nearest keys to the unit vector <paramref name="query"/> with cosine distances, nearest first.</summary>
    public (ulong[] Keys, float[] Distances) Search(float[] query, int count)
    {
        var keys = new ulong[count];
        var distances = new float[count];
        nuint found;
        fixed (float* q = query)
        fixed (ulong* k = keys)
        fixed (float* d = distances)
        {
            found = UsearchNative.Search(_index, q, ScalarKind.Float32, (nuint)count, k, d, out var error);
            UsearchNative.Check(error, "search");
        }
        return ((int)found == count) ? (keys, distances) : (keys[..(int)found], distances[..(int)found]);
    }

    public void Dispose()
    {
        if (_index != IntPtr.Zero)
        {
            UsearchNative.Free(_index, out _);
            _index = IntPtr.Zero;
        }
    }
}
