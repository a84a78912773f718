using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

[Collection(GatewayCollection.Name)]
public sealed class ModelsApiTests(GatewayFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListModels_Configured_ListsEveryNameAndAliasInOpenAiShape()
    {
        var list = await fixture.Client.GetFromJsonAsync<JsonElement>("/v1/models", Cancellation);

        Assert.Equal("list", list.GetProperty("object").GetString());
        var data = list.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(
            [GatewayFixture.EchoModel, GatewayFixture.EchoAlias, GatewayFixture.SlashAlias, GatewayFixture.DiscoveredModel,
             GatewayFixture.DownModel, GatewayFixture.EmptyModel],
            data.Select(m => m.GetProperty("id").GetString()));
        Assert.All(data, model =>
        {
            Assert.Equal("model", model.GetProperty("object").GetString());
            Assert.True(model.GetProperty("created").GetInt64() > 1_600_000_000);
        });
        Assert.Equal("llmserve", data[0].GetProperty("owned_by").GetString());
        Assert.Equal("tests", data[3].GetProperty("owned_by").GetString());
    }

    [Theory]
    [InlineData(GatewayFixture.EchoModel)]
    [InlineData(GatewayFixture.EchoAlias)]
    [InlineData(GatewayFixture.SlashAlias)]
    public async Task RetrieveModel_Served_ReturnsEntry(string id)
    {
        var model = await fixture.Client.GetFromJsonAsync<JsonElement>($"/v1/models/{id}", Cancellation);

        Assert.Equal(id, model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
        Assert.Equal("llmserve", model.GetProperty("owned_by").GetString());
    }

    [Fact]
    public async Task RetrieveModel_Unknown_Returns404()
    {
        using var response = await fixture.Client.GetAsync("/v1/models/gpt-4o", Cancellation);

        var error = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "NotFoundError");
        Assert.Contains(GatewayFixture.EchoModel, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WorkersNotRequired_ReturnsHealthy()
    {
        // One configured deployment is down; the gateway itself is still healthy.
        using var response = await fixture.Client.GetAsync("/health", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Cancellation));
    }
}
