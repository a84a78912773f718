using k8s.Models;

namespace LlmServe.AppHost.Publishing;

/// <summary>Names, labels and metadata shared by every emitted object.</summary>
internal static class Meta
{
    public const string PartOf = "llmserve";
    public const string HttpPortName = "http";
    public const int ContainerPort = 8080;

    public static Dictionary<string, string> Selector(string name) => new() { ["app.kubernetes.io/name"] = name };

    public static Dictionary<string, string> Labels(string name, string component) => new()
    {
        ["app.kubernetes.io/name"] = name,
        ["app.kubernetes.io/component"] = component,
        ["app.kubernetes.io/part-of"] = PartOf,
    };

    public static V1ObjectMeta Object(string name, string? ns, string component) =>
        new() { Name = name, NamespaceProperty = ns, Labels = Labels(name, component) };

    /// <summary>A custom resource (Karpenter, prometheus-operator) as an ordered map, so its YAML keeps this key order.</summary>
    public static Dictionary<string, object> Custom(string apiVersion, string kind, string name, string? ns, string component, object spec)
    {
        var metadata = new Dictionary<string, object> { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }
        metadata["labels"] = Labels(name, component);
        return new() { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata, ["spec"] = spec };
    }

    public static V1TopologySpreadConstraint SpreadOverZones(string name) => new()
    {
        MaxSkew = 1,
        TopologyKey = "topology.kubernetes.io/zone",
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = new V1LabelSelector { MatchLabels = Selector(name) },
    };

    public static V1TopologySpreadConstraint SpreadOverNodes(string name) => new()
    {
        MaxSkew = 1,
        TopologyKey = "kubernetes.io/hostname",
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = new V1LabelSelector { MatchLabels = Selector(name) },
    };

    public static V1PodDisruptionBudget DisruptionBudget(string name, string ns, string component) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = Object(name, ns, component),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = (IntOrString)1,
            Selector = new V1LabelSelector { MatchLabels = Selector(name) },
        },
    };

    public static V1Probe HttpProbe(string path, int period, int failures) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = (IntOrString)HttpPortName },
        PeriodSeconds = period,
        FailureThreshold = failures,
        TimeoutSeconds = 5,
    };
}
