using LlmServe.AppHost;
using LlmServe.AppHost.Autoscaling;
using LlmServe.AppHost.Publishing;

// The topology: model deployments (one Worker project resource each), the OpenAI gateway in front of them,
// and the RAG and agent services that call models through the gateway.
var builder = DistributedApplication.CreateBuilder(args);
var topology = TopologyOptions.Read(builder);

var gateway = builder.AddProject<Projects.LlmServe_Gateway>(ResourceNames.Gateway)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

var pools = new List<ReplicaPool>();
foreach (var (deployment, index) in topology.Deployments.Select((d, i) => (d, i)))
{
    var worker = builder.AddLlmWorker(deployment).WithPlacement(deployment);
    gateway.WithModelDeployment(index, deployment, worker);
    if (builder.AddReplicaPool(index, deployment, worker, gateway) is { } pool)
    {
        pools.Add(pool);
    }
}

// Autoscaled deployments run locally as replica pools that this AppHost starts and stops as the gateway decides.
builder.AddReplicaPoolActuator(gateway, pools);

if (!topology.ModelsOnly)
{
    var rag = builder.AddProject<Projects.LlmServe_Rag>(ResourceNames.Rag)
        .WithReference(gateway).WaitFor(gateway)
        .WithEnvironment("Rag__GatewayUrl", $"http://{ResourceNames.Gateway}")
        .WithEnvironment("Rag__Model", topology.DefaultModel)
        .WithHttpHealthCheck("/health");

    // Retrieval: Rag embeds through the gateway, and the gateway serves each RAG collection as a model.
    var nextDeployment = builder.AddRagTopology(topology, gateway, rag);

    var agents = builder.AddProject<Projects.LlmServe_Agents>(ResourceNames.Agents)
        .WithReference(gateway).WaitFor(gateway)
        .WithReference(rag)
        .WithEnvironment("Agents__GatewayUrl", $"http://{ResourceNames.Gateway}")
        .WithEnvironment("Agents__RagUrl", $"http://{ResourceNames.Rag}")
        .WithEnvironment("Agents__Model", topology.DefaultModel)
        .WithHttpHealthCheck("/health");

    // Agents are models too: the gateway routes `agent/NAME` to the agents service's chat completions endpoint.
    gateway.WithAgentModels(nextDeployment, topology.AgentModels, agents);
}

// Publish: Kubernetes manifests for EKS (kustomize base + overlays), next to the Aspire manifest.
builder.AddKubernetesPublishing(topology);

builder.Build().Run();
