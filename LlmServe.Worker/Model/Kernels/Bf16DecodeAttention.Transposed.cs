using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Scores of a block of 16 keys with the block transposed: element e of the 16 keys in one vector (lane j for key j),
/// so each query head's 16 scores build up lane by lane from broadcast query values, with no reduction across lanes.
/// The transposition is paid once per block for all G heads, where <see cref="Score16"/> reduces 16 sums per head;
/// from 4 heads per kv head (Qwen2.5, Llama 3) it takes fewer than half the instructions.
/// </summary>
/// <remarks>
/// A head's score sums the element pairs (2p, 2p + 1) of even p in one chain and those of odd p in another, in order,
/// each pair adding its odd element's product and then its even one, then adds the two chains: every lane alone, so a
/// key's score depends on nothing but its query and its key. That is the order of AVX512_BF16's pair instruction, which
/// <see cref="Bf16TransposedScores"/> runs on the block kept as bf16 pairs where the CPU has it (the same bits). A block
/// that straddles the context's ends reads a row of zeros for its keys outside, and their lanes are masked after.
/// </remarks>
internal static unsafe partial class Bf16DecodeAttention
{
    /// <summary>Query heads scored in one pass over a transposed block (two accumulator chains each).</summary>
    private const int HeadsPerScorePass = 4;

    /// <summary>The widest head the zero rows below cover.</summary>
    private const int MaxTransposedHeadDim = 1024;

    /// <summary>Zeros standing in for a key outside the context (bf16) and for a pass's missing heads (float32).</summary>
    private static readonly nint ZeroRows = AllocateZeros(MaxTransposedHeadDim * sizeof(float));

    /// <summary>Zeroed native memory for the process's lifetime, 64-byte aligned.</summary>
    private static nint AllocateZeros(int bytes)
    {
        var memory = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        NativeMemory.Clear(memory, (nuint)bytes);
        return (nint)memory;
    }

    /// <summary>
    /// Whether a model's (G, D) scores through transposed blocks: enough heads to share the transposition, and heads made
    /// of whole 32-element blocks. Fixed by the model, so every row of every batch takes the same path.
    /// </summary>
    internal static bool ScoresTransposed(int g, int d) =>
        Vector512.IsHardwareAccelerated && g >= HeadsPerScorePass && d % 32 == 0 && d <= MaxTransposedHeadDim;

    /// <summary>
    /// The G heads' raw scores (rows <paramref name="stride"/> apart, -inf where masked), a transposed block at a time;
    /// <paramref name="queries"/> as float32 and <paramref name="bf16Queries"/> as they lie in Q, (G, D) both.
    /// </summary>
    private static void ScoreTransposedBlocks(in Args a, int kvHead, RowContext context, float* queries, ushort* bf16Queries,
        float* transposed, float* scores, int stride)
    {
        int d = a.HeadDim, g = a.Heads / a.KvHeads;
        var assembled = Bf16TransposedScores.IsSupported;
        // This block's K rows and the next one's, found (and prefetched) a block ahead of their use.
        var found = stackalloc ushort*[2 * KeyBlock];
        FindRows(a, kvHead, context, 0, found);
        for (var s0 = 0; s0 < stride; s0 += KeyBlock)
        {
            var rows = found + s0 / KeyBlock % 2 * KeyBlock;
            if (s0 + KeyBlock < stride)
            {
                FindRows(a, kvHead, context, s0 + KeyBlock, found + (s0 / KeyBlock + 1) % 2 * KeyBlock);
            }
            var whole = s0 >= context.First && s0 + KeyBlock <= context.Length;     // no key of the block is masked
            if (assembled)
            {
                TransposeBlock<PairColumns>(rows, d, transposed);
                for (var h = 0; h < g; h += HeadsPerScorePass)
                {
                    Bf16TransposedScores.Run(bf16Queries + h * d, Math.Min(HeadsPerScorePass, g - h), d, (uint*)transposed,
                        scores + h * stride + s0, stride);
                }
            }
            else
            {
                TransposeBlock<FloatColumns>(rows, d, transposed);
                for (var h = 0; h < g; h += HeadsPerScorePass)
                {
                    ScoreTransposed(queries + h * d, Math.Min(HeadsPerScorePass, g - h), d, transposed, scores + h * stride + s0, stride);
                }
            }
            for (var j = 0; !whole && j < KeyBlock; j++)
            {
                MaskedOut(s0 + j, context, scores, stride, g);
            }
        }
    }

    /// <summary>
    /// The K rows of keys [<paramref name="s0"/>, s0 + 16) into <paramref name="rows"/> (a row of zeros for a key outside
    /// the context), asking for the visible ones' K rows (into the first-level cache) and V rows (the second): a
    /// sequence's slots lie in cache blocks scattered over memory, so the hardware prefetcher, which follows a stride,
    /// loses the stream at every block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FindRows(in Args a, int kvHead, RowContext context, int s0, ushort** rows)
    {
        var bytes = a.HeadDim * sizeof(ushort);
        for (var j = 0; j < KeyBlock; j++)
        {
            if (!context.Visible(s0 + j))
            {
                rows[j] = (ushort*)ZeroRows;
                continue;
            }
            var row = a.CacheRow(context.Slots[s0 + j], kvHead);
            byte* k = (byte*)((ushort*)a.Keys + row), v = (byte*)((ushort*)a.Values + row);
            rows[j] = (ushort*)k;
            for (var line = 0; Sse.IsSupported && line < bytes; line += 64)
            {
                Sse.Prefetch0(k + line);
                Sse.Prefetch1(v + line);
            }
        }
    }

    /// <summary>
    /// The 16 bf16 rows transposed in <typeparamref name="TLayout"/>'s layout (D x 16 values either way): per 32 elements,
    /// a 16 x 16 transposition of the rows' bf16 pairs as 32-bit values.
    /// </summary>
    internal static void TransposeBlock<TLayout>(ushort** rows, int d, float* transposed) where TLayout : struct, IBlockLayout
    {
        for (var c = 0; c < d; c += 32)
        {
            // Stage 1, rows 2i and 2i + 1 interleaved: in each 128-bit lane (a0 b0 a1 b1) and (a2 b2 a3 b3).
            var t0 = Avx512F.UnpackLow(Pairs(rows[0], c), Pairs(rows[1], c));
            var t1 = Avx512F.UnpackHigh(Pairs(rows[0], c), Pairs(rows[1], c));
            var t2 = Avx512F.UnpackLow(Pairs(rows[2], c), Pairs(rows[3], c));
            var t3 = Avx512F.UnpackHigh(Pairs(rows[2], c), Pairs(rows[3], c));
            var t4 = Avx512F.UnpackLow(Pairs(rows[4], c), Pairs(rows[5], c));
            var t5 = Avx512F.UnpackHigh(Pairs(rows[4], c), Pairs(rows[5], c));
            var t6 = Avx512F.UnpackLow(Pairs(rows[6], c), Pairs(rows[7], c));
            var t7 = Avx512F.UnpackHigh(Pairs(rows[6], c), Pairs(rows[7], c));
            var t8 = Avx512F.UnpackLow(Pairs(rows[8], c), Pairs(rows[9], c));
            var t9 = Avx512F.UnpackHigh(Pairs(rows[8], c), Pairs(rows[9], c));
            var t10 = Avx512F.UnpackLow(Pairs(rows[10], c), Pairs(rows[11], c));
            var t11 = Avx512F.UnpackHigh(Pairs(rows[10], c), Pairs(rows[11], c));
            var t12 = Avx512F.UnpackLow(Pairs(rows[12], c), Pairs(rows[13], c));
            var t13 = Avx512F.UnpackHigh(Pairs(rows[12], c), Pairs(rows[13], c));
            var t14 = Avx512F.UnpackLow(Pairs(rows[14], c), Pairs(rows[15], c));
            var t15 = Avx512F.UnpackHigh(Pairs(rows[14], c), Pairs(rows[15], c));
            // Stage 2, per four rows: u_k holds, in 128-bit lane L, the four rows' pair 4L + k.
            var u0 = Avx512F.Shuffle(t0, t2, 0x44);
            var u1 = Avx512F.Shuffle(t0, t2, 0xEE);
            var u2 = Avx512F.Shuffle(t1, t3, 0x44);
            var u3 = Avx512F.Shuffle(t1, t3, 0xEE);
            var u4 = Avx512F.Shuffle(t4, t6, 0x44);
            var u5 = Avx512F.Shuffle(t4, t6, 0xEE);
            var u6 = Avx512F.Shuffle(t5, t7, 0x44);
            var u7 = Avx512F.Shuffle(t5, t7, 0xEE);
            var u8 = Avx512F.Shuffle(t8, t10, 0x44);
            var u9 = Avx512F.Shuffle(t8, t10, 0xEE);
            var u10 = Avx512F.Shuffle(t9, t11, 0x44);
            var u11 = Avx512F.Shuffle(t9, t11, 0xEE);
            var u12 = Avx512F.Shuffle(t12, t14, 0x44);
            var u13 = Avx512F.Shuffle(t12, t14, 0xEE);
            var u14 = Avx512F.Shuffle(t13, t15, 0x44);
            var u15 = Avx512F.Shuffle(t13, t15, 0xEE);
            // Stages 3 and 4: the four row groups' lanes L side by side, pair 4L + k of all 16 rows.
            var into = TLayout.Group(transposed, c);
            Columns<TLayout>(u0, u4, u8, u12, into, 0);
            Columns<TLayout>(u1, u5, u9, u13, into, 1);
            Columns<TLayout>(u2, u6, u10, u14, into, 2);
            Columns<TLayout>(u3, u7, u11, u15, into, 3);
        }
    }

    /// <summary>16 bf16 pairs of a row from element <paramref name="c"/>, as 32-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pairs(ushort* row, int c) => Vector512.Load((float*)(row + c));

    /// <summary>
    /// Rows 0-3, 4-7, 8-11, 12-15's pairs 4L + <paramref name="k"/> (lane L of a, b, c, d) gathered per L, each stored by
    /// <typeparamref name="TLayout"/> as pair 4L + k of the 32 elements from <paramref name="into"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns<TLayout>(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, float* into, int k)
        where TLayout : struct, IBlockLayout
    {
        var w0 = Avx512F.Shuffle4x128(a, b, 0x88);   // a.0 a.2 b.0 b.2
        var w1 = Avx512F.Shuffle4x128(a, b, 0xDD);   // a.1 a.3 b.1 b.3
        var w2 = Avx512F.Shuffle4x128(c, d, 0x88);
        var w3 = Avx512F.Shuffle4x128(c, d, 0xDD);
        TLayout.Store(Avx512F.Shuffle4x128(w0, w2, 0x88), into, k);
        TLayout.Store(Avx512F.Shuffle4x128(w1, w3, 0x88), into, 4 + k);
        TLayout.Store(Avx512F.Shuffle4x128(w0, w2, 0xDD), into, 8 + k);
        TLayout.Store(Avx512F.Shuffle4x128(w1, w3, 0xDD), into, 12 + k);
    }

    /// <summary>Where a transposed block keeps its rows' 32 elements from element <c>c</c>, and how it stores their pair <c>p</c>.</summary>
    internal interface IBlockLayout
    {
        static abstract float* Group(float* transposed, int c);

        static abstract void Store(Vector512<float> pair, float* into, int p);
    }

    /// <summary>(D, 16) float32: element e of row j at [e, j], each pair split into its low bf16 (element 2p) and high one (2p + 1).</summary>
    internal readonly struct FloatColumns : IBlockLayout
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float* Group(float* transposed, int c) => transposed + c * KeyBlock;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> pair, float* into, int p)
        {
            var bits = pair.AsUInt32();
            (bits << 16).AsSingle().Store(into + 2 * p * KeyBlock);
            (bits & Vector512.Create(0xFFFF0000u)).AsSingle().Store(into + (2 * p + 1) * KeyBlock);
        }
    }

    /// <summary>(D / 2, 16) bf16 pairs as 32-bit lanes: pair p of row j at [p, j] (32 elements take half the floats' room).</summary>
    internal readonly struct PairColumns : IBlockLayout
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float* Group(float* transposed, int c) => transposed + c / 2 * KeyBlock;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> pair, float* into, int p) => pair.Store(into + p * KeyBlock);
    }

    /// <summary>
    /// Up to four heads' scores of a block transposed as <see cref="FloatColumns"/> (<paramref name="heads"/> of them;
    /// missing ones read zeros and are not stored), each built lane by lane in two chains, over the even pairs and over
    /// the odd ones, a pair's odd element first: eight chains in flight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScoreTransposed(float* queries, int heads, int d, float* transposed, float* scores, int stride)
    {
        float* q0 = queries, zero = (float*)ZeroRows;
        float* q1 = heads > 1 ? q0 + d : zero, q2 = heads > 2 ? q0 + 2 * d : zero, q3 = heads > 3 ? q0 + 3 * d : zero;
        Vector512<float> a0 = default, b0 = default, a1 = default, b1 = default;
        Vector512<float> a2 = default, b2 = default, a3 = default, b3 = default;
        for (var e = 0; e < d; e += 4)
        {
            var even = Vector512.Load(transposed + e * KeyBlock);
            var odd = Vector512.Load(transposed + (e + 1) * KeyBlock);
            var nextEven = Vector512.Load(transposed + (e + 2) * KeyBlock);
            var nextOdd = Vector512.Load(transposed + (e + 3) * KeyBlock);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[e]), even, Vector512.FusedMultiplyAdd(Vector512.Create(q0[e + 1]), odd, a0));
            b0 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[e + 2]), nextEven, Vector512.FusedMultiplyAdd(Vector512.Create(q0[e + 3]), nextOdd, b0));
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[e]), even, Vector512.FusedMultiplyAdd(Vector512.Create(q1[e + 1]), odd, a1));
            b1 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[e + 2]), nextEven, Vector512.FusedMultiplyAdd(Vector512.Create(q1[e + 3]), nextOdd, b1));
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[e]), even, Vector512.FusedMultiplyAdd(Vector512.Create(q2[e + 1]), odd, a2));
            b2 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[e + 2]), nextEven, Vector512.FusedMultiplyAdd(Vector512.Create(q2[e + 3]), nextOdd, b2));
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[e]), even, Vector512.FusedMultiplyAdd(Vector512.Create(q3[e + 1]), odd, a3));
            b3 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[e + 2]), nextEven, Vector512.FusedMultiplyAdd(Vector512.Create(q3[e + 3]), nextOdd, b3));
        }
        (a0 + b0).Store(scores);
        if (heads > 1)
        {
            (a1 + b1).Store(scores + stride);
        }
        if (heads > 2)
        {
            (a2 + b2).Store(scores + 2 * stride);
        }
        if (heads > 3)
        {
            (a3 + b3).Store(scores + 3 * stride);
        }
    }
}
