namespace LlmServe.Gateway.Routing;

/// <summary>Supplies randomness to policies so tests can script it.</summary>
internal interface IRandomFactory
{
    Random CreateRandomInstance();
}
