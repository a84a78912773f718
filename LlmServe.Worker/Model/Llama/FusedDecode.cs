using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LlmServe.Worker.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// A step whose sequences all decode one token, as many as the general path sends to the GEMV kernel (up to
/// <see cref="MaxRows"/>), run as one job of a <see cref="KernelTeam"/>: the same kernels and rounding as the general path (bf16 GEMV, RMS norm, RoPE,
/// decode attention), with the layer's glue (embedding, residual adds, SiLU, cache writes) in the job's own loops
/// and the team's barriers between phases. Such a step is bound by streaming the weights once; the general path adds
/// ~25 torch calls and four thread-pool dispatches per layer: 13-14% of a batch-1 step of a 0.5B model on two cores.
/// </summary>
/// <remarks>
/// Each token row's arithmetic is the same whatever else is in the batch and whichever member runs it, so a sequence
/// gets the same bits at any batch size this path takes, and the general path's bits: the two could part only where
/// SiLU's vector exp or the kernel's q/k norm (Qwen3; torch's on the general path) lands on the other side of a bf16
/// rounding boundary, which the tests have not seen happen.
/// </remarks>
internal sealed unsafe partial class FusedDecode : IDisposable
{
    /// <summary>
    /// Decodes a fused step may hold (those pinned to the kernel, <see cref="LinearKernel.RowGemv"/>, or that
    /// <see cref="LinearKernel.Auto"/> sends to it): a 32-request decode then runs as one job, not ~25 torch calls and
    /// four thread-pool dispatches per layer (waking a sleeping pool thread costs more on a virtual machine than on bare metal).
    /// </summary>
    public const int MaxRows = 64;

    /// <summary>Phases with work cursors per layer: q/k/v, attention, o, gate/up, down.</summary>
    private const int PhasesPerLayer = 5;

    private readonly object _gate = new();
    private bool _disposed;
    private readonly FusedDecodeWeights _w;
    private readonly KernelTeam _team;
    private readonly int _d, _heads, _kvHeads, _headDim, _ffn, _vocab, _layers;
    private readonly float _eps;
    private readonly int[] _cursors;
    private readonly nint _activations;
    private readonly nint _inputs;
    private readonly int _inputFloats;
    private readonly ushort* _x, _xn, _q, _k, _v, _attn, _o, _act;  // bf16 (M, width) each, M <= MaxRows

    public FusedDecode(LlamaConfig config, FusedDecodeWeights weights, KernelTeam team)
    {
        _w = weights;
        _team = team;
        (_d, _heads, _kvHeads, _headDim, _ffn, _vocab, _layers) = (config.HiddenSize, config.NumHeads, config.NumKvHeads,
            config.HeadDim, config.IntermediateSize, config.VocabSize, config.NumLayers);
        _eps = (float)config.RmsNormEps;
        _cursors = GC.AllocateArray<int>((PhasesPerLayer * _layers + 1) * TeamWork.CursorInts(team.Size), pinned: true);
        long m = MaxRows, q = (long)_heads * _headDim, kv = (long)_kvHeads * _headDim;
        long[] widths = [_d, _d, q, kv, kv, q, _d, _ffn];
        var elements = widths.Sum() * m;
        _activations = (nint)NativeMemory.AlignedAlloc((nuint)(elements * sizeof(ushort)), 64);
        var next = (ushort*)_activations;
        ushort* Carve(long width)
        {
            var p = next;
            next += width * m;
            return p;
        }
        _x = Carve(_d);
        _xn = Carve(_d);
        _q = Carve(q);
        _k = Carve(kv);
        _v = Carve(kv);
        _attn = Carve(q);
        _o = Carve(_d);
        _act = Carve(_ffn);
        // Each member widens a linear's input for itself, which saves a barrier per linear.
        // A row's stride need not grow with K (a K the vector loop covers whole is read in place), so take the largest.
        _inputFloats = (int)m * Math.Max(Math.Max(Bf16Gemv.BufferStride(_d), Bf16Gemv.BufferStride((int)q)), Bf16Gemv.BufferStride(_ffn));
        _inputs = (nint)NativeMemory.AlignedAlloc((nuint)((long)_inputFloats * team.Size * sizeof(float)), 64);
    }

    /// <summary>
    /// Logits (M, V) float32 of the sampled rows when the step is one this path takes (decodes only, as many as the
    /// kernel takes up to <see cref="MaxRows"/>, bf16 CPU cache, indices in range); null otherwise, nothing done.
    /// </summary>
    public Tensor? TryForward(Tensor tokens, AttentionBatch batch, KvCache cache)
    {
        if (Plan(tokens, batch, cache) is not { } step)
        {
            return null;
        }
        var logits = torch.empty([step.Samples, _vocab], ScalarType.Float32);          // (M, V)
        step = step with { Logits = (float*)TensorMemory.Address(logits) };
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Array.Clear(_cursors);
            _team.Run(member => RunMember(step, member));
        }
        GC.KeepAlive(tokens);
        GC.KeepAlive(batch);
        GC.KeepAlive(cache);
        return logits;
    }

    private void RunMember(in Step s, KernelTeam.Member member)
    {
        var input = (float*)_inputs + (long)member.Index * _inputFloats;
        var phase = 0;
        if (member.Index == 0)
        {
            Embed(s);
        }
        for (var l = 0; l < _layers; l++)
        {
            ref readonly var w = ref _w.Layers[l];
            if (member.Index == 0)
            {
                Bf16RmsNorm.Run(_x, (ushort*)w.AttentionNorm, _xn, s.Rows, _d, _eps);
            }
            member.Barrier();
            Linear(s.Rows, _xn, _d, input, Cursor(phase++, member),
                [new GemvTarget(w.Wq, w.Bq, (nint)_q, _heads * _headDim), new GemvTarget(w.Wk, w.Bk, (nint)_k, _kvHeads * _headDim),
                 new GemvTarget(w.Wv, w.Bv, (nint)_v, _kvHeads * _headDim)]);
            member.Barrier();
            Attend(s, w, l, Cursor(phase++, member));
            member.Barrier();
            Linear(s.Rows, _attn, _heads * _headDim, input, Cursor(phase++, member), [new GemvTarget(w.Wo, 0, (nint)_o, _d)]);
            member.Barrier();
            if (member.Index == 0)
            {
                AddInto(_x, _o, s.Rows * _d);
                Bf16RmsNorm.Run(_x, (ushort*)w.FfnNorm, _xn, s.Rows, _d, _eps);
            }
            member.Barrier();
            GateUp(s.Rows, w, input, Cursor(phase++, member));
            member.Barrier();
            Linear(s.Rows, _act, _ffn, input, Cursor(phase++, member), [new GemvTarget(w.Down, 0, (nint)_o, _d)]);
            member.Barrier();
            if (member.Index == 0)
            {
                AddInto(_x, _o, s.Rows * _d);
            }
        }
        if (member.Index == 0)
        {
            for (var i = 0; i < s.Samples; i++)
            {
                Bf16RmsNorm.Run(_x + s.SampleRows[i] * _d, (ushort*)_w.FinalNorm, _xn + (long)i * _d, 1, _d, _eps);
            }
        }
        member.Barrier();
        LmHead(s, input, Cursor(phase, member));
    }

    /// <summary>The work cursors of one phase (see <see cref="TeamWork"/>): pinned, so members may share them through their address.</summary>
    private Work Cursor(int phase, KernelTeam.Member member) =>
        new((int*)Unsafe.AsPointer(ref _cursors[phase * TeamWork.CursorInts(member.Count)]), member.Index, member.Count);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            NativeMemory.AlignedFree((void*)_activations);
            NativeMemory.AlignedFree((void*)_inputs);
        }
    }
}
