using System.Diagnostics.CodeAnalysis;
using LlmServe.Gateway.Routing;

namespace LlmServe.Gateway.Registry;

/// <summary>
/// An immutable snapshot of which model ids map to which deployment. Lookups are exact and case-sensitive, as in
/// the OpenAI API; a reload builds a new snapshot instead of mutating this one, so a request sees one consistent table.
/// </summary>
internal sealed class ModelRegistry
{
    private readonly Dictionary<string, ServedModel> _byId = new(StringComparer.Ordinal);

    public ModelRegistry(IEnumerable<Deployment> deployments, DateTimeOffset created)
    {
        var createdUnix = created.ToUnixTimeSeconds();
        var models = new List<ServedModel>();
        Deployments = deployments.ToArray();
        foreach (var deployment in Deployments)
        {
            foreach (var id in deployment.Aliases.Prepend(deployment.Name))
            {
                var model = new ServedModel(id, deployment, createdUnix);
                // First definition wins; options validation rejects duplicates before they get here.
                if (_byId.TryAdd(id, model))
                {
                    models.Add(model);
                }
            }
        }
        Models = models;
    }

    public static ModelRegistry Empty { get; } = new([], DateTimeOffset.UnixEpoch);

    public IReadOnlyList<Deployment> Deployments { get; }

    /// <summary>Every served id, each deployment's name first, then its aliases, in configuration order.</summary>
    public IReadOnlyList<ServedModel> Models { get; }

    public IEnumerable<string> ServedNames => Models.Select(m => m.Id);

    public bool TryResolve(string model, [NotNullWhen(true)] out ServedModel? served) => _byId.TryGetValue(model, out served);

    /// <summary>Builds a snapshot from options that already passed <see cref="GatewayOptionsValidator"/>.</summary>
    public static ModelRegistry FromOptions(GatewayOptions options, DateTimeOffset created) =>
        new(options.Deployments.Select(ToDeployment), created);

    private static Deployment ToDeployment(DeploymentOptions options)
    {
        var versions = options.Versions.Select(v => new DeploymentVersion(v.Name, v.Weight, ParseUpstream(options.Name, v.Upstream),
            UpstreamAddress.IsStatic(ParseUpstream(options.Name, v.Upstream)))).ToArray();
        // A versioned deployment may omit Upstream; its own address is then the first version's (never routed to directly).
        var upstream = versions.Length > 0 && string.IsNullOrWhiteSpace(options.Upstream)
            ? versions[0].Upstream
            : ParseUpstream(options.Name, options.Upstream);
        var owner = string.IsNullOrWhiteSpace(options.OwnedBy) ? DeploymentOptions.DefaultOwner : options.OwnedBy;
        return new Deployment(options.Name, options.Aliases, upstream, UpstreamAddress.IsStatic(upstream), owner,
            string.IsNullOrWhiteSpace(options.UpstreamModel) ? options.Name : options.UpstreamModel)
        {
            Versions = versions,
            Admission = AdmissionLimits.FromOptions(options),
        };
    }

    private static Uri ParseUpstream(string deployment, string value) => UpstreamAddress.TryParse(value, out var upstream)
        ? upstream
        : throw new InvalidOperationException($"Deployment '{deployment}' has an invalid upstream '{value}'.");
}
