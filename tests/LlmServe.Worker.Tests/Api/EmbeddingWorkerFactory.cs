using LlmServe.Worker.Tests.Model.Bert;
using LlmServe.Worker.Tokenization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Worker.Tests.Api;

/// <summary>
/// The worker app serving the converted all-MiniLM-L6-v2 folder, with the reference tokenizer injected where the
/// worker's own WordPiece tokenizer will go.
/// </summary>
public sealed class EmbeddingWorkerFactory(MiniLmFixture minilm) : WebApplicationFactory<Program>
{
    public const string ServedName = "minilm";

    internal MiniLmFixture MiniLm { get; } = minilm;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Worker:Model", MiniLm.Folder);
        builder.UseSetting("Worker:ServedModelName", ServedName);
        builder.ConfigureServices(services => services.AddSingleton<BertTokenizerFactory>(ReferenceBertTokenizer.Load));
    }

    public Task<HttpClient> CreateReadyClientAsync() => WorkerFactory.WaitUntilHealthyAsync(CreateClient());
}
