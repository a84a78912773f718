namespace LlmServe.Gateway.Tests.RealWorkers;

/// <summary>Tests against real worker processes share one set of them; starting replicas per class would dominate the run.</summary>
[CollectionDefinition(Name)]
public sealed class RealWorkerCollection : ICollectionFixture<RealWorkerFixture>
{
    public const string Name = "RealWorkers";
}
