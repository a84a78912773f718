using LlmServe.ServiceDefaults.OpenAi;
using LlmServe.Worker.Api;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Model;
using LlmServe.Worker.Model.HuggingFace;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker;

internal static class WorkerServices
{
    public static WebApplicationBuilder AddWorkerServices(this WebApplicationBuilder builder)
    {
        WorkerCommandLine.ApplyUrls(builder);
        builder.Services.AddOptions<WorkerOptions>()
            .Bind(builder.Configuration.GetSection(WorkerOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Model), "A model is required: --model PATH (or Worker:Model).")
            .Validate(o => o.TensorParallelSize >= 1, "--tensor-parallel-size must be at least 1.")
            .Validate(o => o.Dtype.ToLowerInvariant() is "auto" or "float32" or "fp32" or "bfloat16" or "bf16",
                "--dtype must be auto, float32 or bfloat16.")
            .Validate(o => string.IsNullOrEmpty(o.ReasoningParser) || Chat.Reasoning.ReasoningParser.Names.Contains(o.ReasoningParser),
                $"--reasoning-parser must be one of: {string.Join(", ", Chat.Reasoning.ReasoningParser.Names)}.")
            .ValidateOnStart();
        builder.WebHost.ConfigureKestrel((ctx, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = ctx.Configuration.GetValue<long?>("Worker:MaxRequestBytes") ?? 16 * 1024 * 1024);
        builder.Services.AddSingleton<WorkerMetrics>();
        builder.Services.AddHttpClient<HuggingFaceHub>();
        builder.Services.AddSingleton<BertTokenizerFactory>(BertTokenizers.Create);
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ModelHost>());
        builder.Services.AddHealthChecks().AddCheck<ModelHost>("model");
        return builder;
    }

    public static WebApplication MapWorkerApi(this WebApplication app)
    {
        app.UseOpenAiErrors();
        // /metrics serves vLLM's metric names; the OpenTelemetry scrape stays reachable beside it.
        app.MapDefaultEndpoints(prometheusPath: "/metrics/otel");
        app.MapEngineApi();
        app.MapModelsApi();
        app.MapCompletionsApi();
        app.MapChatCompletionsApi();
        app.MapEmbeddingsApi();
        app.MapScoreApi();
        return app;
    }
}
