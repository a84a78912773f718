namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// A RoPE context-extension scheme from the checkpoint (config.json <c>rope_scaling</c>, GGUF
/// <c>rope.scaling.*</c>): how it changes the inverse frequencies, and by how much it scales cos/sin.
/// </summary>
internal abstract record RopeScaling
{
    /// <summary>Rescales one inverse frequency per rotated pair in place.</summary>
    /// <param name="inverseFrequencies">theta^(-2i/D) for i in [0, D/2).</param>
    /// <param name="ropeTheta">The base theta those frequencies came from (YaRN needs it for its band edges).</param>
    public abstract void Apply(double[] inverseFrequencies, double ropeTheta);

    /// <summary>Factor on cos and sin (so on q and k alike): YaRN's and LongRoPE's attention factor, 1 for the others.</summary>
    public virtual double Magnitude => 1.0;

    /// <summary>The context the scaling is made for, given the checkpoint's own maximum (as vLLM derives it).</summary>
    public virtual int ContextLength(int maxPositionEmbeddings) => maxPositionEmbeddings;

    /// <summary>The scaling for a replica that serves at most <paramref name="tokens"/> (LongRoPE picks its factor set by it).</summary>
    public virtual RopeScaling ForServedContext(int tokens) => this;
}
