namespace LlmServe.Worker;

/// <summary>Replica settings, from the command line (<c>--model</c>, <c>--served-model-name</c>, ...) or configuration.</summary>
internal sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>A .gguf file (or, later, a Hugging Face folder or hub id).</summary>
    public string Model { get; set; } = "";

    /// <summary>The name clients put in <c>model</c>; defaults to the file name without extension.</summary>
    public string? ServedModelName { get; set; }

    /// <summary>float32 or bfloat16.</summary>
    public string Dtype { get; set; } = "float32";

    /// <summary>Upper bound on prompt + output tokens; 0 means the model's own context length.</summary>
    public int MaxModelLen { get; set; }

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    public string ResolveServedName() =>
        !string.IsNullOrWhiteSpace(ServedModelName) ? ServedModelName : Path.GetFileNameWithoutExtension(Model.TrimEnd('/'));
}
