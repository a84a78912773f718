using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace LlmServe.Rag.VectorStores.Embedded;

/// <summary>
/// The parts of USearch's C API (<c>libusearch_c</c>, shipped in the Cloud.Unum.USearch package) that its managed
/// wrapper does not expose: reserving capacity once instead of growing per insert, inserting from several threads,
/// and changing ef_search on a built graph.
/// </summary>
internal static partial class UsearchNative
{
    private const string Library = "libusearch_c";

    /// <summary>usearch_init_options_t, field for field.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct InitOptions
    {
        public MetricKind MetricKind;
        public IntPtr Metric;
        public ScalarKind Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        /// <summary>C bool: 0 or 1 (a byte keeps the struct blittable).</summary>
        public byte Multi;
    }

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    internal static unsafe partial IntPtr Init(InitOptions* options, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    internal static partial void Free(IntPtr index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    internal static partial void Reserve(IntPtr index, nuint capacity, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    internal static partial nuint Size(IntPtr index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_capacity")]
    internal static partial nuint Capacity(IntPtr index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_contains")]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool Contains(IntPtr index, ulong key, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    internal static unsafe partial void Add(IntPtr index, ulong key, float* vector, ScalarKind kind, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_remove")]
    internal static partial nuint Remove(IntPtr index, ulong key, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    internal static unsafe partial nuint Search(IntPtr index, float* query, ScalarKind kind, nuint count, ulong* keys, float* distances, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    internal static partial void ChangeExpansionSearch(IntPtr index, nuint expansion, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    internal static partial void ChangeThreadsAdd(IntPtr index, nuint threads, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    internal static partial void ChangeThreadsSearch(IntPtr index, nuint threads, out IntPtr error);

    /// <summary>Throws when a call reported an error (a static C string owned by the library).</summary>
    internal static void Check(IntPtr error, string operation)
    {
        if (error != IntPtr.Zero)
        {
            throw new InvalidOperationException($"USearch {operation} failed: {Marshal.PtrToStringUTF8(error)}");
        }
    }
}
