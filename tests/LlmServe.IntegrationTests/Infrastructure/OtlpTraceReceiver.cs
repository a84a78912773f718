using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmServe.IntegrationTests.Infrastructure;

/// <summary>
/// An OTLP/HTTP (protobuf) endpoint, the same protocol the Aspire dashboard ingests, that keeps every exported span
/// so tests can assert on whole traces across services.
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private WebApplication? _app;

    public string Endpoint { get; private set; } = "";

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            Parse(buffer.ToArray());
            context.Response.ContentType = "application/x-protobuf";
        });
        _app.MapPost("/v1/{signal}", (string signal) => Results.Bytes([], "application/x-protobuf"));
        await _app.StartAsync();
        Endpoint = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    private void Parse(byte[] request)
    {
        var reader = new ProtobufReader(request);
        while (reader.TryReadField(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                ParseResourceSpans(reader.ReadBytes());
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private void ParseResourceSpans(ReadOnlySpan<byte> data)
    {
        var service = "";
        var scopes = new List<byte[]>();
        var reader = new ProtobufReader(data);
        while (reader.TryReadField(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                service = ServiceName(reader.ReadBytes()) ?? service;
            }
            else if (field == 2 && wire == 2)
            {
                scopes.Add(reader.ReadBytes().ToArray());
            }
            else
            {
                reader.Skip(wire);
            }
        }
        foreach (var scope in scopes)
        {
            var scopeReader = new ProtobufReader(scope);
            while (scopeReader.TryReadField(out var field, out var wire))
            {
                if (field == 2 && wire == 2)
                {
                    _spans.Enqueue(ParseSpan(service, scopeReader.ReadBytes()));
                }
                else
                {
                    scopeReader.Skip(wire);
                }
            }
        }
    }

    private static string? ServiceName(ReadOnlySpan<byte> resource)
    {
        var reader = new ProtobufReader(resource);
        while (reader.TryReadField(out var field, out var wire))
        {
            if (field != 1 || wire != 2)
            {
                reader.Skip(wire);
                continue;
            }
            string? key = null, value = null;
            var kv = new ProtobufReader(reader.ReadBytes());
            while (kv.TryReadField(out var f, out var w))
            {
                if (f == 1 && w == 2)
                {
                    key = Encoding.UTF8.GetString(kv.ReadBytes());
                }
                else if (f == 2 && w == 2)
                {
                    var any = new ProtobufReader(kv.ReadBytes());
                    while (any.TryReadField(out var af, out var aw))
                    {
                        if (af == 1 && aw == 2) { value = Encoding.UTF8.GetString(any.ReadBytes()); } else { any.Skip(aw); }
                    }
                }
                else
                {
                    kv.Skip(w);
                }
            }
            if (key == "service.name")
            {
                return value;
            }
        }
        return null;
    }

    private static ReceivedSpan ParseSpan(string service, ReadOnlySpan<byte> span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var reader = new ProtobufReader(span);
        while (reader.TryReadField(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case (4, 2): parent = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case (5, 2): name = Encoding.UTF8.GetString(reader.ReadBytes()); break;
                case (6, 0): kind = (int)reader.ReadVarint(); break;
                default: reader.Skip(wire); break;
            }
        }
        return new ReceivedSpan(service, traceId, spanId, parent, name, kind);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
