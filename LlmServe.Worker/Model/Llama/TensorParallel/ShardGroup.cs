using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama.TensorParallel;

/// <summary>
/// The shards of one model replica and where each lives: <c>cuda:i</c> for shard i when the process sees at least
/// <see cref="Size"/> GPUs, otherwise "virtual devices" on the CPU (each shard still owns its weight slices and its
/// KV-cache slice, and the all-reduce still sums partial outputs, so the sharded arithmetic is exactly what runs on GPUs).
/// </summary>
internal sealed class ShardGroup
{
    private readonly Device[] _devices;

    public ShardGroup(ShardLayout layout, IReadOnlyList<Device> devices)
    {
        if (devices.Count != layout.Size)
        {
            throw new ArgumentException($"{layout.Size} shards need {layout.Size} devices, got {devices.Count}.", nameof(devices));
        }
        Layout = layout;
        _devices = [.. devices];
    }

    /// <summary>One device per shard: the first N GPUs when there are that many, else the CPU for all of them.</summary>
    public static ShardGroup OnAvailableDevices(ShardLayout layout)
    {
        var gpus = torch.cuda.is_available() ? torch.cuda.device_count() : 0;
        var devices = gpus >= layout.Size
            ? Enumerable.Range(0, layout.Size).Select(i => new Device(DeviceType.CUDA, i)).ToArray()
            : Enumerable.Repeat(CPU, layout.Size).ToArray();
        return new ShardGroup(layout, devices);
    }

    public ShardLayout Layout { get; }
    public int Size => Layout.Size;

    /// <summary>Where the replicated parts (embedding, final norm, LM head) live and where partial outputs are summed.</summary>
    public Device Primary => _devices[0];

    public Device Device(int shard) => _devices[shard];

    /// <summary>True when every shard shares one device (CPU virtual shards), so host-side inputs need no copies.</summary>
    public bool SharesOneDevice => _devices.All(d => d.type == Primary.type && d.index == Primary.index);

    /// <summary>
    /// Runs <paramref name="shardForward"/> on each shard with its own copy of the replicated input
    /// <paramref name="x"/> (N, d) and sums the partial (N, d) outputs on the primary device: the all-reduce that
    /// follows a row-parallel layer (o_proj, down_proj). One shard is returned as is, with no extra operation.
    /// </summary>
    /// <remarks>
    /// The shards are issued one after another from the engine thread: on GPUs each device queues its kernels
    /// asynchronously, so the shards still compute side by side, and the sum is a copy-and-add onto the primary
    /// (TorchSharp exposes no NCCL collectives). Every shard then reads the same sum, as after a real all-reduce.
    /// </remarks>
    public Tensor AllReduce(Tensor x, Func<int, Tensor, Tensor> shardForward)
    {
        if (Size == 1)
        {
            return shardForward(0, x);
        }
        Tensor? sum = null;
        for (var s = 0; s < Size; s++)
        {
            var input = WeightSlicer.IsOn(x, _devices[s]) ? x : x.to(_devices[s]);
            var partial = shardForward(s, input);                            // (N, d), this shard's share of the sum
            partial = WeightSlicer.IsOn(partial, Primary) ? partial : partial.to(Primary);
            sum = sum is null ? partial : sum.add_(partial, HeldScalars.One);
        }
        return sum!;
    }

    /// <summary>The step's index tensors on each shard's device (the same instance for every shard that shares the primary's device).</summary>
    public AttentionBatch[] Place(AttentionBatch batch) =>
        [.. _devices.Select(d => WeightSlicer.IsOn(batch.Positions, d) ? batch : batch.To(d))];

    public override string ToString() => string.Join(", ", _devices.Select(d => d.ToString()));
}
