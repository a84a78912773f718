using LlmServe.AppHost;
using LlmServe.AppHost.Publishing;

// The topology: model deployments (one Worker project resource each), the OpenAI gateway in front of them,
// and the RAG and agent services that call models through the gateway.
var builder = DistributedApplication.CreateBuilder(args);
var topology = TopologyOptions.Read(builder);

var gateway = builder.AddProject<Projects.LlmServe_Gateway>(ResourceNames.Gateway)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

foreach (var (deployment, index) in topology.Deployments.Select((d, i) => (d, i)))
{
    var worker = builder.AddLlmWorker(deployment).WithPlacement(deployment);
    gateway.WithModelDeployment(index, deployment, worker);
}

var rag = builder.AddProject<Projects.LlmServe_Rag>(ResourceNames.Rag)
    .WithReference(gateway).WaitFor(gateway)
    .WithEnvironment("Rag__GatewayUrl", $"http://{ResourceNames.Gateway}")
    .WithEnvironment("Rag__Model", topology.DefaultModel)
    .WithHttpHealthCheck("/health");

var agents = builder.AddProject<Projects.LlmServe_Agents>(ResourceNames.Agents)
    .WithReference(gateway).WaitFor(gateway)
    .WithReference(rag)
    .WithEnvironment("Agents__GatewayUrl", $"http://{ResourceNames.Gateway}")
    .WithEnvironment("Agents__RagUrl", $"http://{ResourceNames.Rag}")
    .WithEnvironment("Agents__Model", topology.DefaultModel)
    .WithHttpHealthCheck("/health");

// Agents are models too: the gateway routes `agent/NAME` to the agents service's chat completions endpoint.
gateway.WithAgentModels(topology.Deployments.Count, topology.AgentModels, agents);

// Publish: Kubernetes manifests for EKS (kustomize base + overlays), next to the Aspire manifest.
builder.AddKubernetesPublishing(topology);

builder.Build().Run();
