using TorchSharp;

namespace LlmServe.Worker.Model;

/// <summary>
/// Scalars passed to torch ops, owned for as long as their users live. TorchSharp turns a plain number argument into a
/// native Scalar that nothing references once its handle has been read, so the finalizer thread may free it while
/// the native op is still reading it, and the op then fails at random under GC pressure ("Expected false to be true"
/// from c10's Scalar accessors). Ops on hot paths take their scalars from here or from a field of their owner.
/// </summary>
internal static class HeldScalars
{
    public static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();

    /// <summary>
    /// alpha of <c>a.add(b, One)</c>: TorchSharp's <c>a + b</c> and one-argument <c>add</c>/<c>add_</c> pass an
    /// implicitly converted 1 and so have the same flaw (<c>a - b</c> does not: its native call takes no alpha).
    /// </summary>
    public static readonly Scalar One = 1.ToScalar();
}
