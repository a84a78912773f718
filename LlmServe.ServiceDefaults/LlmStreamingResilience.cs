using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace LlmServe.ServiceDefaults;

/// <summary>
/// HTTP resilience for LLM traffic. The standard handler's 30 s total timeout would cut long generations and its
/// retries could replay a request whose stream already started, so this pipeline only retries failures that happen
/// before any response exists (connection refused/reset while connecting), never after the first byte, and sets no
/// total timeout: callers bound their calls with cancellation tokens sized to the work.
/// </summary>
public static class LlmStreamingResilience
{
    public const string PipelineName = "llm-stream-safe";

    public static IHttpClientBuilder AddLlmStreamingResilience(this IHttpClientBuilder http)
    {
        http.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        http.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        });
        http.AddResilienceHandler(PipelineName, pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = args => ValueTask.FromResult(IsBeforeFirstByte(args.Outcome)),
        }));
        return http;
    }

    /// <summary>True only for failures where the server cannot have started on the request.</summary>
    internal static bool IsBeforeFirstByte(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is null && outcome.Exception is HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
        } or HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } };
}
