using System.Net.Http.Json;
using LlmServe.Worker.Tests.Model.Bert;
using LlmServe.Worker.Tokenization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Worker.Tests.Api;

/// <summary>
/// /v1/embeddings where it cannot answer in full: on a generative model, on a BERT model without a text tokenizer,
/// and on one that failed to load.
/// </summary>
public sealed class EmbeddingsOnOtherModelsTests(WorkerFactory stories, MiniLmFixture minilm) : IClassFixture<WorkerFactory>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_OnAGenerativeModel_Returns400()
    {
        var client = await stories.CreateReadyClientAsync();

        var response = await client.PostAsJsonAsync("/v1/embeddings", new { model = WorkerFactory.ServedName, input = "hi" }, Cancellation);

        Assert.Contains("does not support embeddings", await EmbeddingsApiTests.AssertBadRequestAsync(response, "model"));
    }

    [Fact]
    public async Task Post_WithoutTextTokenizer_TakesTokenIdsAndRejectsText()
    {
        // The worker as built today: BertTokenizers.Create has no WordPiece tokenizer to return yet.
        await using var factory = new EmbeddingWorkerFactory(minilm).WithWebHostBuilder(b =>
            b.ConfigureServices(s => s.AddSingleton(new BertTokenizerFactory(_ => null))));
        var client = await WorkerFactory.WaitUntilHealthyAsync(factory.CreateClient());

        var ids = await client.PostAsJsonAsync("/v1/embeddings", new { model = EmbeddingWorkerFactory.ServedName, input = new[] { 101, 4937, 102 } }, Cancellation);
        var text = await client.PostAsJsonAsync("/v1/embeddings", new { model = EmbeddingWorkerFactory.ServedName, input = "cat" }, Cancellation);

        ids.EnsureSuccessStatusCode();
        Assert.Contains("token ids", await EmbeddingsApiTests.AssertBadRequestAsync(text, "input"));
    }

    [Fact]
    public async Task Post_WhenTheModelFailedToLoad_Returns503WithTheReason()
    {
        var folder = Directory.CreateTempSubdirectory("llmserve-badbert-").FullName;
        try
        {
            TinyBertCheckpoint.Write(folder);
            File.WriteAllText(Path.Combine(folder, "modules.json"), "[{not json");
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Worker:Model", folder));
            var client = factory.CreateClient();

            HttpResponseMessage response;
            var attempts = 0;
            do
            {
                await Task.Delay(50, Cancellation);
                response = await client.PostAsJsonAsync("/v1/embeddings", new { model = "x", input = new[] { 1 } }, Cancellation);
            }
            while (!(await response.Content.ReadAsStringAsync(Cancellation)).Contains("failed to load") && ++attempts < 100);

            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
