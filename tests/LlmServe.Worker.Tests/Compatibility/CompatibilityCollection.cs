namespace LlmServe.Worker.Tests.Compatibility;

/// <summary>The client-compatibility tests: they share one generative and one embedding worker.</summary>
[CollectionDefinition(Name)]
public sealed class CompatibilityCollection : ICollectionFixture<CompatibilityWorkers>
{
    public const string Name = "Compatibility";
}
