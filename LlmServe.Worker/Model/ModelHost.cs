using LlmServe.ServiceDefaults.Memory;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Engine.Embedding;
using LlmServe.Worker.Model.Bert;
using LlmServe.Worker.Model.HuggingFace;
using LlmServe.Worker.Tokenization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LlmServe.Worker.Model;

/// <summary>
/// Loads the model in the background after start-up (so the process answers probes while weights load) and owns
/// what serves it: an <see cref="InferenceEngine"/> for a generative model, or an <see cref="EmbeddingRunner"/>
/// for an embedding model (the kind comes from <see cref="ModelResolver"/>). Exactly one of them is set once
/// loaded; the readiness check stays unhealthy until then.
/// </summary>
internal sealed partial class ModelHost(
    IOptions<WorkerOptions> options, BertTokenizerFactory bertTokenizers, WorkerMetrics metrics, HuggingFaceHub hub,
    ILoggerFactory loggers, ILogger<ModelHost> logger)
    : BackgroundService, IHealthCheck
{
    /// <summary>
    /// Native blocks below this come from the heap (see <see cref="NativeHeap.KeepLargeBlocks"/>): above a prompt
    /// chunk's per-op intermediates (a 512-token chunk's FFN activations of the benchmark model are 5-10 MB), below the
    /// prefill attention's score tiles (up to 32 MiB), which stay fresh mappings: with a 64 MiB threshold a Worker without
    /// batch invariance that had served 32 concurrent requests then took 5-7.5 s instead of ~2 s for a 1,000-token
    /// prompt. On the benchmark model (32 concurrent requests, batch-invariant) this took prefill from ~19 to ~15 s and
    /// the whole run 12-24% faster, with the same RSS after.
    /// </summary>
    private const int NativeHeapMmapThreshold = 16 << 20;

    /// <summary>Freed native memory kept for the next step before any is returned to the OS.</summary>
    private const int NativeHeapTrimThreshold = 512 << 20;

    private volatile InferenceEngine? _engine;
    private volatile EmbeddingRunner? _embedder;
    private volatile string? _failure;

    public InferenceEngine? Engine => _engine;
    public EmbeddingRunner? Embedder => _embedder;
    public bool IsLoaded => _engine is not null || _embedder is not null;
    public string ServedModelName { get; } = options.Value.ResolveServedName();

    /// <summary>How chat responses split thinking from the answer (--reasoning-parser); null when they do not.</summary>
    /// <remarks>NOTE: an unknown name is left to the options validation, which stops the worker with the list of names.</remarks>
    public Chat.Reasoning.ReasoningParser? ReasoningParser { get; } =
        Chat.Reasoning.ReasoningParser.Names.Contains(options.Value.ReasoningParser ?? "")
            ? Chat.Reasoning.ReasoningParser.Create(options.Value.ReasoningParser)
            : null;
    public string? Failure => _failure;

    /// <summary>The context length of whatever is loaded, for /v1/models.</summary>
    public int? MaxModelLen => _engine?.Model.MaxModelLen ?? _embedder?.MaxModelLen;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(async () =>
    {
        var o = options.Value;
        LogLoading(o.Model, ServedModelName, o.Dtype);
        LogNativeHeap(NativeHeap.KeepLargeBlocks(NativeHeapMmapThreshold, NativeHeapTrimThreshold), NativeHeapMmapThreshold >> 20, NativeHeapTrimThreshold >> 20);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await hub.EnsureCachedAsync(o.Model, HubCache.Root(o.DownloadDir), stoppingToken);
            var resolved = ModelResolver.Resolve(o.Model, o.DownloadDir);
            var dtype = DtypeResolver.Resolve(o.Dtype, resolved.Path);
            LogDtype(ServedModelName, dtype.ToString());
            if (dtype == TorchSharp.torch.ScalarType.BFloat16)
            {
                LogBf16Kernel(ServedModelName, Kernels.Bf16Gemv.Instructions);
            }
            if (resolved.Kind == ModelKind.Embedding)
            {
                LoadEmbedding(resolved.Path, dtype, o.MaxModelLen);
            }
            else
            {
                LoadGenerative(resolved.Path, dtype, o.MaxModelLen);
            }
            LogLoaded(ServedModelName, resolved.Kind, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, MaxModelLen ?? 0);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or ArgumentException
            or UnauthorizedAccessException or System.Text.Json.JsonException or HttpRequestException)
        {
            _failure = ex.Message;
            LogLoadFailed(ex, o.Model);
        }
    }, stoppingToken);

    private void LoadGenerative(string path, TorchSharp.torch.ScalarType dtype, int maxModelLen)
    {
        var shards = options.Value.TensorParallelSize;
        var model = ModelLoader.Load(path, dtype, shards, new LayerProgressLog(this), maxModelLen);
        if (shards > 1)
        {
            LogSharded(ServedModelName, shards, model.Network.Shards.ToString());
        }
        var limited = maxModelLen > 0 && maxModelLen < model.MaxModelLen
            ? new LoadedModel(model.Network, model.Tokenizer, model.ChatTemplate, maxModelLen, model.EosTokenIds, model.BosToken, model.EosToken)
            : model;
        metrics.ModelName = ServedModelName;
        _engine = new InferenceEngine(limited, options.Value.ToEngineOptions(), metrics, loggers.CreateLogger<InferenceEngine>());
    }

    private void LoadEmbedding(string folder, TorchSharp.torch.ScalarType dtype, int maxModelLen)
    {
        var encoder = BertLoader.Load(folder, dtype);
        var tokenizer = bertTokenizers(folder);
        if (tokenizer is null)
        {
            LogNoTokenizer(ServedModelName);
        }
        _embedder = new EmbeddingRunner(encoder, tokenizer, maxModelLen > 0 ? maxModelLen : encoder.MaxTokens,
            metrics, loggers.CreateLogger<EmbeddingRunner>());
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsLoaded ? HealthCheckResult.Healthy($"{ServedModelName} loaded")
            : _failure is not null ? HealthCheckResult.Unhealthy($"Model failed to load: {_failure}")
            : HealthCheckResult.Unhealthy("Model is loading"));

    public override void Dispose()
    {
        _engine?.Dispose();
        _embedder?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{ServedModelName} runs in {ResolvedDtype}")]
    private partial void LogDtype(string servedModelName, string resolvedDtype);

    [LoggerMessage(Level = LogLevel.Information, Message = "{ServedModelName}'s bf16 decode linears run on {Instructions}")]
    private partial void LogBf16Kernel(string servedModelName, string instructions);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Native heap keeps blocks below {MmapThresholdMiB} MiB and {TrimThresholdMiB} MiB of free memory: {Applied}")]
    private partial void LogNativeHeap(bool applied, int mmapThresholdMiB, int trimThresholdMiB);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading model {Model} as {ServedModelName} ({Dtype})")]
    private partial void LogLoading(string model, string servedModelName, string dtype);

    /// <summary>Logs the load's progress at every tenth of the layers, synchronously (so lines come in order).</summary>
    private sealed class LayerProgressLog(ModelHost host) : IProgress<LayerProgress>
    {
        private int _lastTenth;

        public void Report(LayerProgress value)
        {
            var tenth = value.Percent / 10;
            if (tenth > _lastTenth)
            {
                _lastTenth = tenth;
                host.LogLayersLoaded(host.ServedModelName, value.Loaded, value.Layers, value.Percent);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading {ServedModelName}: {Loaded}/{Layers} layers ({Percent}%)")]
    private partial void LogLayersLoaded(string servedModelName, int loaded, int layers, int percent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ServedModelName} ({Kind}) loaded in {ElapsedMs:F0} ms, max model length {MaxModelLen}")]
    private partial void LogLoaded(string servedModelName, ModelKind kind, double elapsedMs, int maxModelLen);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ServedModelName} sharded over {TensorParallelSize} tensor-parallel shards on {Devices}")]
    private partial void LogSharded(string servedModelName, int tensorParallelSize, string devices);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No tokenizer files (tokenizer.json or vocab.txt) for {ServedModelName}: /v1/embeddings accepts token ids only")]
    private partial void LogNoTokenizer(string servedModelName);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Model {Model} failed to load")]
    private partial void LogLoadFailed(Exception ex, string model);
}
