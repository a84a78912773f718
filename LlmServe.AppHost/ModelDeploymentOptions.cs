namespace LlmServe.AppHost;

/// <summary>One model deployment as configured under <c>LlmServe:Deployments</c>.</summary>
internal sealed class ModelDeploymentOptions
{
    /// <summary>The served model name clients use; also names the worker resource (<c>worker-NAME</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>Other names the gateway accepts for this deployment.</summary>
    public List<string> Aliases { get; set; } = [];

    /// <summary>
    /// What the worker loads in a local run: a .gguf file or a Hugging Face folder (relative paths resolve from the
    /// repository root), or a Hugging Face model id.
    /// </summary>
    public string Model { get; set; } = "";

    /// <summary>
    /// Used instead of <see cref="Model"/> when that is a local path that does not exist, and in published manifests
    /// (a cluster has no local paths).
    /// </summary>
    public string? FallbackModel { get; set; }

    /// <summary>The served name that goes with <see cref="FallbackModel"/>.</summary>
    public string? FallbackName { get; set; }

    /// <summary>float32 or bfloat16.</summary>
    public string Dtype { get; set; } = "float32";
}
