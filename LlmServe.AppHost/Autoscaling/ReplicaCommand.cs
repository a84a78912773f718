namespace LlmServe.AppHost.Autoscaling;

/// <summary>What the local actuator does to one replica resource on one poll.</summary>
internal enum ReplicaCommand
{
    None,
    Start,
    Stop,
}
