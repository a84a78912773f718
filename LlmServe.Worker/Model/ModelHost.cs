using LlmServe.Worker.Engine;
using LlmServe.Worker.Model.HuggingFace;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LlmServe.Worker.Model;

/// <summary>
/// Loads the model in the background after start-up (so the process answers probes while weights load) and owns
/// the engine. The readiness check stays unhealthy until the engine exists.
/// </summary>
internal sealed partial class ModelHost(
    IOptions<WorkerOptions> options, WorkerMetrics metrics, HuggingFaceHub hub, ILoggerFactory loggers, ILogger<ModelHost> logger)
    : BackgroundService, IHealthCheck
{
    private volatile InferenceEngine? _engine;
    private volatile string? _failure;

    public InferenceEngine? Engine => _engine;
    public string ServedModelName { get; } = options.Value.ResolveServedName();
    public string? Failure => _failure;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(async () =>
    {
        var o = options.Value;
        LogLoading(o.Model, ServedModelName, o.Dtype);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var local = HuggingFaceHub.LooksLikeModelId(o.Model) ? await hub.ResolveAsync(o.Model, stoppingToken) : o.Model;
            var model = ModelLoader.Load(local, ModelLoader.ParseDtype(o.Dtype));
            var limited = o.MaxModelLen > 0 && o.MaxModelLen < model.MaxModelLen
                ? new LoadedModel(model.Network, model.Tokenizer, model.ChatTemplate, o.MaxModelLen, model.EosTokenIds, model.BosToken, model.EosToken)
                : model;
            metrics.ModelName = ServedModelName;
            _engine = new InferenceEngine(limited, o.ToEngineOptions(), metrics, loggers.CreateLogger<InferenceEngine>());
            LogLoaded(ServedModelName, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, limited.MaxModelLen);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or ArgumentException
            or UnauthorizedAccessException or HttpRequestException or System.Text.Json.JsonException)
        {
            _failure = ex.Message;
            LogLoadFailed(ex, o.Model);
        }
    }, stoppingToken);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_engine is not null ? HealthCheckResult.Healthy($"{ServedModelName} loaded")
            : _failure is not null ? HealthCheckResult.Unhealthy($"Model failed to load: {_failure}")
            : HealthCheckResult.Unhealthy("Model is loading"));

    public override void Dispose()
    {
        _engine?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading model {Model} as {ServedModelName} ({Dtype})")]
    private partial void LogLoading(string model, string servedModelName, string dtype);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ServedModelName} loaded in {ElapsedMs:F0} ms, max model length {MaxModelLen}")]
    private partial void LogLoaded(string servedModelName, double elapsedMs, int maxModelLen);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Model {Model} failed to load")]
    private partial void LogLoadFailed(Exception ex, string model);
}
