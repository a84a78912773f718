using LlmServe.Worker.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model;

/// <summary>
/// Reads a checkpoint tensor's raw bytes straight into a new CPU tensor's storage, a range at a time: no managed array
/// in between (one copy and one large allocation fewer per tensor), and tensors over 2 GiB, which no span or array
/// can hold at once (a 256k-vocabulary embedding), load as well.
/// </summary>
internal static class TensorReader
{
    /// <summary>Copies the tensor's bytes [offset, offset + destination.Length) from the file into <c>destination</c>.</summary>
    public delegate void ReadRange(long offset, Span<byte> destination);

    /// <summary>Bytes per read: large enough for sequential I/O, small enough for a span.</summary>
    private const int RangeBytes = 256 << 20;

    /// <summary>A new tensor of <paramref name="shape"/> and <paramref name="type"/> holding the file's <paramref name="byteSize"/> bytes.</summary>
    public static Tensor Read(long[] shape, ScalarType type, long byteSize, ReadRange read) =>
        Read(shape, type, byteSize, read, RangeBytes);

    /// <inheritdoc cref="Read(long[], ScalarType, long, ReadRange)"/>
    /// <param name="rangeBytes">The most bytes one call to <paramref name="read"/> fills.</param>
    internal static unsafe Tensor Read(long[] shape, ScalarType type, long byteSize, ReadRange read, int rangeBytes) =>
        Fill(shape, type, byteSize, address =>
        {
            for (var done = 0L; done < byteSize;)
            {
                var count = (int)Math.Min(rangeBytes, byteSize - done);
                read(done, new Span<byte>((byte*)address + done, count));
                done += count;
            }
        });

    /// <summary>
    /// A new tensor of <paramref name="shape"/> and <paramref name="type"/> that <paramref name="fill"/> writes at its
    /// storage's address (huge pages advised first), once its size is checked to be <paramref name="byteSize"/>; the
    /// tensor is released if filling fails.
    /// </summary>
    public static Tensor Fill(long[] shape, ScalarType type, long byteSize, Action<nint> fill)
    {
        var tensor = torch.empty(shape, type);
        try
        {
            if (tensor.NumberOfElements * tensor.ElementSize != byteSize)
            {
                throw new InvalidDataException(
                    $"A tensor of shape [{string.Join(", ", shape)}] and type {type} takes {tensor.NumberOfElements * tensor.ElementSize} bytes; the file holds {byteSize}.");
            }
            HugePages.Advise(tensor);
            fill(TensorMemory.Address(tensor));
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }
}
