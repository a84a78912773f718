using System.Runtime.Intrinsics;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Model.Llama;

/// <summary>The phases of a fused decode step. Members take work items of a phase from its cursors (<see cref="TeamWork"/>) until none is left.</summary>
internal sealed unsafe partial class FusedDecode
{
    /// <summary>Gate/up rows per SiLU group: one 256-bit vector, so a row's SiLU is computed the same way in any chunk.</summary>
    private const int SiluGroup = SiluAndMul.Group;

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
        Bf16Gemv.PrepareInput(x, m, k, input);
        var chunks = Bf16Gemv.Chunks(k, targets);
        while (work.Next(chunks, out var c))
        {
            Bf16Gemv.RunChunk(input, m, k, targets, c);
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
    /// product. A gate row and its up row are one work item, so the activation never waits for a separate phase.
    /// </summary>
    private void GateUp(int m, in FusedLayer w, float* input, Work work)
    {
        Bf16Gemv.PrepareInput(_xn, m, _d, input);
        var stride = Bf16Gemv.InputStride(_d);
        var chunkRows = Math.Max(SiluGroup, Bf16Gemv.ChunkRows(_d) / 2 / SiluGroup * SiluGroup); // gate and up rows: half as many
        var chunks = (_ffn + chunkRows - 1) / chunkRows;
        const int tile = Bf16Gemv.MaxTile;
        var sums = stackalloc float[tile * tile];
        var gate = stackalloc float[MaxRows * SiluGroup];
        var up = stackalloc float[MaxRows * SiluGroup];
        while (work.Next(chunks, out var c))
        {
            int end = Math.Min(_ffn, (c + 1) * chunkRows);
            for (var start = c * chunkRows; start < end; start += SiluGroup)
            {
                var count = Math.Min(SiluGroup, end - start);
                for (var j = 0; j < count; j += tile)
                {
                    var rows = Math.Min(tile, count - j);
                    for (var r = 0; r < m; r += tile)
                    {
                        var inputs = Math.Min(tile, m - r);
                        var x = input + (long)r * stride;
                        Bf16Gemv.Block(x, stride, inputs, (ushort*)w.Gate + (long)(start + j) * _d, _d, rows, sums);
                        Gather(sums, inputs, rows, gate + r * SiluGroup + j, SiluGroup);
                        Bf16Gemv.Block(x, stride, inputs, (ushort*)w.Up + (long)(start + j) * _d, _d, rows, sums);
                        Gather(sums, inputs, rows, up + r * SiluGroup + j, SiluGroup);
                    }
                }
                for (var r = 0; r < m; r++)
                {
                    var g = gate + r * SiluGroup;
                    var u = up + r * SiluGroup;
                    SiluAndMul.SiluBf16(g, count);
                    var act = _act + (long)r * _ffn + start;
                    for (var j = 0; j < count; j++)
                    {
                        act[j] = Bf16.FromSingle(g[j] * u[j]);
                    }
                }
            }
        }
    }

    /// <summary>A tile's sums (input row i at i * MaxTile) into rows <paramref name="intoStride"/> apart, each rounded to bf16 as torch's bf16 linear is.</summary>
    private static void Gather(float* sums, int inputs, int rows, float* into, long intoStride)
    {
        for (var i = 0; i < inputs; i++)
        {
            for (var j = 0; j < rows; j++)
            {
                into[i * intoStride + j] = Bf16.Round(sums[i * Bf16Gemv.MaxTile + j]);
            }
        }
    }

    /// <summary>Logits (samples, V) float32 of the normed sampled rows in _xn, each rounded to bf16 as the bf16 LM head is.</summary>
    private void LmHead(in Step s, float* input, Work work)
    {
        Bf16Gemv.PrepareInput(_xn, s.Samples, _d, input);
        var stride = Bf16Gemv.InputStride(_d);
        var chunkRows = Bf16Gemv.ChunkRows(_d);
        var chunks = (_vocab + chunkRows - 1) / chunkRows;
        const int tile = Bf16Gemv.MaxTile;
        var sums = stackalloc float[tile * tile];
        while (work.Next(chunks, out var c))
        {
            var end = Math.Min(_vocab, (c + 1) * chunkRows);
            for (var row = c * chunkRows; row < end; row += tile)
            {
                var rows = Math.Min(tile, end - row);
                for (var r = 0; r < s.Samples; r += tile)
                {
                    var inputs = Math.Min(tile, s.Samples - r);
                    Bf16Gemv.Block(input + (long)r * stride, stride, inputs, (ushort*)_w.LmHead + (long)row * _d, _d, rows, sums);
                    Gather(sums, inputs, rows, s.Logits + (long)r * _vocab + row, _vocab);
                }
            }
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
