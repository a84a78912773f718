using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Model.Llama;

/// <summary>The phases of a fused decode step. Members take work items of a phase from its cursors (<see cref="TeamWork"/>) until none is left.</summary>
internal sealed unsafe partial class FusedDecode
{
    /// <summary>Gate/up rows per SiLU group: one 256-bit vector, so a row's SiLU is computed the same way in any chunk.</summary>
    private const int SiluGroup = SiluAndMul.Group;

    /// <summary>Most gate (and up) rows in one work item: the rows one <see cref="Bf16Gemv.Tiles"/> call covers (its buffers hold TilesPerCall units of sums).</summary>
    private const int GateUpRows = Bf16Gemv.TilesPerCall * Bf16Gemv.MaxTile;

    /// <summary>One member's view of a phase's work cursors.</summary>
    private readonly struct Work(int* cursors, int member, int members)
    {
        public bool Next(int items, out int item) => TeamWork.Next(cursors, member, members, items, out item);
    }

    /// <summary>Member 0: the token embeddings, (M, d).</summary>
    private void Embed(in Step s)
    {
        for (var r = 0; r < s.Rows; r++)
        {
            var row = (ushort*)_w.Embedding + s.Tokens[r] * _d;
            Buffer.MemoryCopy(row, _x + (long)r * _d, _d * sizeof(ushort), _d * sizeof(ushort));
        }
    }

    /// <summary>output_t (M, Rows_t) = x (M, K) · W_t^T + b_t for every target, work split by weight chunks.</summary>
    private static void Linear(int m, ushort* x, int k, float* input, Work work, ReadOnlySpan<GemvTarget> targets)
    {
        var prepared = Bf16Gemv.Prepare(x, m, k, input);
        var chunks = Bf16Gemv.Chunks(m, k, targets);
        while (work.Next(chunks, out var c))
        {
            Bf16Gemv.RunChunk(prepared, m, k, targets, c);
        }
    }

    /// <summary>
    /// One work item per (sequence, kv head): q/k norms and RoPE of that kv head's query heads and key, its K/V written
    /// to the sequence's new cache slot, then its attention. Items touch disjoint heads and slots, so none waits on another.
    /// </summary>
    private void Attend(in Step s, in FusedLayer w, int layer, Work work)
    {
        var g = _heads / _kvHeads;
        var args = s.Attention with { Keys = s.Keys[layer], Values = s.Values[layer] };
        var items = s.Rows * _kvHeads;
        while (work.Next(items, out var i))
        {
            int row = i / _kvHeads, kvHead = i % _kvHeads;
            var q = _q + ((long)row * _heads + kvHead * g) * _headDim;             // (G, D)
            var k = _k + ((long)row * _kvHeads + kvHead) * _headDim;               // (D)
            var v = _v + ((long)row * _kvHeads + kvHead) * _headDim;               // (D)
            if (w.QNorm != 0)
            {
                Bf16RmsNorm.Run(q, (ushort*)w.QNorm, q, g, _headDim, _eps);
                Bf16RmsNorm.Run(k, (ushort*)w.KNorm, k, 1, _headDim, _eps);
            }
            var position = s.Positions + row;
            Bf16Rope.Run(q, q, position, (ushort*)_w.Cos, (ushort*)_w.Sin, _w.MaxPositions, 1, g, _headDim, _w.Interleaved);
            Bf16Rope.Run(k, k, position, (ushort*)_w.Cos, (ushort*)_w.Sin, _w.MaxPositions, 1, 1, _headDim, _w.Interleaved);
            var slot = (s.Slots[row] * _kvHeads + kvHead) * _headDim;
            var bytes = _headDim * sizeof(ushort);
            Buffer.MemoryCopy(k, (ushort*)args.Keys + slot, bytes, bytes);
            Buffer.MemoryCopy(v, (ushort*)args.Values + slot, bytes, bytes);
            Bf16DecodeAttention.Group(args, row, kvHead);
        }
    }

    /// <summary>
    /// act (M, F) = silu(gate x) * (up x), rounded where torch's bf16 path rounds: each product, silu's result, their
    /// product. A work item is a range of gate rows and the same up rows, so the activation never waits for a separate
    /// phase; the range's weights meet the input blocks in the tile calls <see cref="Bf16Gemv.TilesForNextCall"/> picks.
    /// </summary>
    [SkipLocalsInit]   // ~33 KB of buffers per call, each value written before it is read
    private void GateUp(int m, in FusedLayer w, float* input, Work work)
    {
        var prepared = Bf16Gemv.Prepare(_xn, m, _d, input);
        var stride = Bf16Gemv.InputStride(_d);
        // Half a chunk of gate rows and as many up rows, in whole SiLU vectors (each value's bits are its own whatever
        // the chunking; whole vectors keep the padded ends to the last chunk), at most what the buffers below hold.
        var chunkRows = Math.Clamp(Bf16Gemv.ChunkRows(m, _d) / 2 / SiluGroup * SiluGroup, SiluGroup, GateUpRows);
        var chunks = (_ffn + chunkRows - 1) / chunkRows;
        var sums = stackalloc float[Bf16Gemv.MaxSums];
        var gate = stackalloc float[MaxRows * GateUpRows];                     // (M, chunkRows) of the item's sums
        var up = stackalloc float[MaxRows * GateUpRows];
        while (work.Next(chunks, out var c))
        {
            int start = c * chunkRows, count = Math.Min(chunkRows, _ffn - start);
            RoundedDots(prepared, stride, m, (ushort*)w.Gate + (long)start * _d, count, gate, chunkRows, sums);
            RoundedDots(prepared, stride, m, (ushort*)w.Up + (long)start * _d, count, up, chunkRows, sums);
            for (var r = 0; r < m; r++)
            {
                SiluAndMul.Bf16Row(gate + r * chunkRows, up + r * chunkRows, _act + (long)r * _ffn + start, count);
            }
        }
    }

    /// <summary>
    /// into[i * intoStride + j] = bf16-rounded x_i · w_j for <paramref name="m"/> prepared input rows and
    /// <paramref name="count"/> consecutive weight rows (K = d), in the tile calls <see cref="Bf16Gemv.TilesForNextCall"/> picks.
    /// </summary>
    private void RoundedDots(float* x, int stride, int m, ushort* w, int count, float* into, long intoStride, float* sums)
    {
        for (var row = 0; row < count;)
        {
            var tiles = Bf16Gemv.TilesForNextCall(count - row, m, _d, out var rows);
            for (var r = 0; r < m;)
            {
                Bf16Gemv.RunNext(x, stride, m, r, w + (long)row * _d, _d, rows, tiles, sums, out var units);
                var sink = new RoundedSink(into + r * intoStride + row, intoStride);
                units.Scatter(sums, ref sink);
                r += units.Inputs;
            }
            row += tiles * rows;
        }
    }

    /// <summary>
    /// Sums into float32 rows <paramref name="stride"/> apart from <paramref name="into"/>, each rounded to bf16 as torch's
    /// bf16 linear is: eight in one vector (the same rounding), one at a time where a NaN must stay quiet.
    /// </summary>
    private readonly struct RoundedSink(float* into, long stride) : ISumSink
    {
        public void Eight(int input, int column, Vector256<float> sums)
        {
            var to = into + input * stride + column;
            if (Vector256.EqualsAll(sums, sums))
            {
                Bf16.Round(sums).Store(to);
                return;
            }
            for (var j = 0; j < 2 * Bf16Gemv.MaxTile; j++)
            {
                to[j] = Bf16.Round(sums.GetElement(j));
            }
        }

        public void Few(int input, int column, float* sums, int count)
        {
            var to = into + input * stride + column;
            if (count == Bf16Gemv.MaxTile && Vector128.IsHardwareAccelerated)
            {
                var v = Vector128.Load(sums);
                if (Vector128.EqualsAll(v, v))
                {
                    Bf16.Round(v).Store(to);
                    return;
                }
            }
            for (var j = 0; j < count; j++)
            {
                to[j] = Bf16.Round(sums[j]);
            }
        }
    }

    /// <summary>Logits (samples, V) float32 of the normed sampled rows in _xn, each rounded to bf16 as the bf16 LM head is.</summary>
    [SkipLocalsInit]
    private void LmHead(in Step s, float* input, Work work)
    {
        var prepared = Bf16Gemv.Prepare(_xn, s.Samples, _d, input);
        var stride = Bf16Gemv.InputStride(_d);
        var chunkRows = Bf16Gemv.ChunkRows(s.Samples, _d);
        var chunks = (_vocab + chunkRows - 1) / chunkRows;
        var sums = stackalloc float[Bf16Gemv.MaxSums];
        while (work.Next(chunks, out var c))
        {
            int row = c * chunkRows, count = Math.Min(chunkRows, _vocab - row);
            RoundedDots(prepared, stride, s.Samples, (ushort*)_w.LmHead + (long)row * _d, count, s.Logits + row, _vocab, sums);
        }
    }

    /// <summary>x += y over bf16 values, rounded once as torch's bf16 add.</summary>
    private static void AddInto(ushort* x, ushort* y, int count)
    {
        for (var i = 0; i < count; i++)
        {
            x[i] = Bf16.FromSingle(Bf16.ToSingle(x[i]) + Bf16.ToSingle(y[i]));
        }
    }
}
