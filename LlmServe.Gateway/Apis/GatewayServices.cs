using LlmServe.Gateway.Forwarding;
using LlmServe.Gateway.Registry;
using Microsoft.AspNetCore.Mvc;

namespace LlmServe.Gateway.Apis;

/// <summary>The services the gateway's endpoints use, bound with <c>[AsParameters]</c>.</summary>
/// <remarks>Explicitly from services so the inference handlers never try to bind (and consume) the request body.</remarks>
internal sealed record GatewayServices([FromServices] InferenceProxy Proxy, [FromServices] ModelRegistryProvider Registry);
