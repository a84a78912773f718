using System.Text.Json;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.Features;

namespace LlmServe.Gateway.Validation;

/// <summary>
/// Buffers and parses an inference request body so it can be validated and routed by its <c>model</c> field and
/// then forwarded byte for byte (the buffer is rewound, never re-serialized).
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>16 MiB: far above any realistic prompt, low enough that one client cannot exhaust the gateway.</summary>
    public const long MaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>Long-context prompts reach hundreds of KiB; keep those in memory and spill only the rare giant to disk.</summary>
    private const int MemoryBufferThreshold = 1024 * 1024;

    /// <summary>
    /// Bodies up to this declared length are read straight into an array of that length. Small enough that a client
    /// declaring a length and then stalling pins little memory, and below the large object heap's 85,000 bytes.
    /// </summary>
    private const int DirectReadLimit = 64 * 1024;

    public static async Task<RequestBodyResult> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return RequestBodyResult.Failed(TooLarge());
        }

        // Chunked bodies have no length up front: let the server enforce the same limit while reading.
        var serverEnforcesLimit = false;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = MaxBodyBytes;
            serverEnforcesLimit = true;
        }
        try
        {
            if (request.ContentLength is { } length and <= DirectReadLimit)
            {
                return await ReadDeclaredAsync(request, (int)length, cancellationToken) is { } parsed
                    ? RequestBodyResult.Parsed(parsed)
                    : RequestBodyResult.Failed(OpenAiError.BadRequest(
                        "The request body ended before its declared Content-Length.", null, "incomplete_body"));
            }
            // Chunked or larger: the buffer grows with what arrives; its limit is the backstop for servers without the size feature.
            request.EnableBuffering(MemoryBufferThreshold, MaxBodyBytes);
            var document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            request.Body.Position = 0;
            return RequestBodyResult.Parsed(document);
        }
        catch (JsonException ex)
        {
            return RequestBodyResult.Failed(OpenAiError.BadRequest(
                $"We could not parse the JSON body of your request: {ex.Message}", null, "invalid_json"));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return RequestBodyResult.Failed(TooLarge());
        }
        catch (IOException) when (!serverEnforcesLimit && !cancellationToken.IsCancellationRequested)
        {
            // Without a server-side limit the only IOException a healthy read raises is the buffer refusing to grow.
            return RequestBodyResult.Failed(TooLarge());
        }
    }

    /// <summary>
    /// The common case, a small body of known length: one array read in one go, parsed in place (the document
    /// refers to the array) and forwarded from it, without the buffering stream's copies and bookkeeping.
    /// </summary>
    /// <returns>The document, or null when the body ended early (Kestrel reports that itself; other hosts may not).</returns>
    private static async Task<JsonDocument?> ReadDeclaredAsync(HttpRequest request, int length, CancellationToken cancellationToken)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(length);
        var read = await request.Body.ReadAtLeastAsync(bytes, length, throwOnEndOfStream: false, cancellationToken);
        if (read < length)
        {
            return null;
        }
        request.Body = new MemoryStream(bytes, writable: false);
        return JsonDocument.Parse(bytes);
    }

    private static IResult TooLarge() => OpenAiError.Create(StatusCodes.Status413PayloadTooLarge,
        $"The request body exceeds the limit of {MaxBodyBytes / (1024 * 1024)} MiB.", OpenAiError.InvalidRequest,
        null, "request_too_large");
}
