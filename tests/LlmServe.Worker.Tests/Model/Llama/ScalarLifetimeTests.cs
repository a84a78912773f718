using LlmServe.TestUtilities;
using LlmServe.Worker.Model;
using LlmServe.Worker.Model.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Llama;

/// <summary>
/// Ops that take a scalar argument, run while the finalizer is busy: a scalar converted implicitly for the call can be
/// finalized while the native op still reads it, which fails the op at random.
/// </summary>
/// <remarks>Alone, not beside other test classes: collections in a loop would stall whatever runs next to them.</remarks>
[Collection(Name)]
public sealed class ScalarLifetimeTests
{
    public const string Name = "Finalizer pressure";

    [Fact]
    public void RmsNorm_SurvivesFinalizersRunningDuringItsOps()
    {
        using var weight = torch.ones(64);
        using var norm = new RmsNorm(weight.alias(), 1e-5);
        using var x = torch.randn(8, 64);
        using var expected = norm.Forward(x);

        UnderFinalizerPressure(5_000, i => Assert.True(norm.Forward(x).allclose(expected), $"iteration {i} differs"));
    }

    [Fact]
    public void ModelForward_SurvivesFinalizersRunningDuringItsOps()
    {
        // float32 takes torch's paths everywhere: masked prefill and padded decode attention, norms, RoPE, residual adds.
        using var model = ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32);
        using var inference = torch.inference_mode();
        var tokens = model.Tokenizer.Encode("The cat sat on the mat.", addSpecial: true).Select(t => (long)t).ToArray();
        using var cache = model.Network.CreateCache(64);
        using var expected = model.Network.Forward(torch.tensor(tokens), 0, cache);       // (V)

        UnderFinalizerPressure(300, i =>
        {
            var logits = model.Network.Forward(torch.tensor(tokens), 0, cache);            // (V)
            Assert.True(logits.allclose(expected), $"iteration {i} differs");
        });
    }

    /// <summary>Runs <paramref name="body"/> in a dispose scope per iteration while another thread keeps finalizing.</summary>
    private static void UnderFinalizerPressure(int iterations, Action<int> body)
    {
        var stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                GC.Collect(0);                                 // the converted scalars die young; gen0 finds them cheaply
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            for (var i = 0; i < iterations; i++)
            {
                using var scope = NewDisposeScope();
                body(i);
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
    }
}

[CollectionDefinition(ScalarLifetimeTests.Name, DisableParallelization = true)]
public sealed class FinalizerPressureCollection;
