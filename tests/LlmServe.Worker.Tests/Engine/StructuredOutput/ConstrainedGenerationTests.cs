using System.Text.Json;
using Json.Schema;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Engine.StructuredOutput;
using LlmServe.Worker.Tests.Oracle;

namespace LlmServe.Worker.Tests.Engine.StructuredOutput;

/// <summary>
/// Constrained decoding on the real checkpoint, sampling at temperature 1 so the model explores: every output must
/// validate against its schema (checked by an independent JSON Schema validator) or match its regex/choices.
/// </summary>
public sealed class ConstrainedGenerationTests(RandomCheckpointFixture checkpoints) : IClassFixture<RandomCheckpointFixture>
{
    private static InferenceEngine CreateEngine(string? model = null) => TestEngines.Create(model);

    private static async Task<string> GenerateAsync(InferenceEngine engine, OutputConstraint constraint, int seed)
    {
        var sampling = new SamplingParams { Temperature = 1.0, Seed = seed, MaxTokens = 800, Grammar = engine.Constraints.Compile(constraint) };
        var request = engine.Submit($"r{seed}", engine.Model.Tokenizer.Encode("Once upon a time", true), sampling, TestContext.Current.CancellationToken);
        var text = new System.Text.StringBuilder();
        await foreach (var e in request.Output.Reader.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            text.Append(e.Text);
            Assert.NotEqual(FinishReason.Length, e.Finish);   // every output completes well inside the budget
        }
        return text.ToString();
    }

    [Fact]
    public Task TwoHundredVariedSchemas_EveryOutputValidates() => EveryOutputValidatesAsync(null, 200, 20261129);

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    public Task RandomWeightCheckpoints_EveryOutputValidates(string architecture) =>
        // Random weights sample almost uniformly: the constraint alone has to keep the output valid.
        EveryOutputValidatesAsync(checkpoints.Gguf(architecture), 48, architecture.Length);

    private static async Task EveryOutputValidatesAsync(string? model, int count, int seed)
    {
        using var engine = CreateEngine(model);
        var random = new Random(seed);
        var schemas = Enumerable.Range(0, count).Select(_ => RandomSchemas.Next(random)).ToList();

        var outputs = new string[schemas.Count];
        for (var batch = 0; batch < schemas.Count; batch += 16)
        {
            var tasks = Enumerable.Range(batch, Math.Min(16, schemas.Count - batch))
                .Select(async i => outputs[i] = await GenerateAsync(engine, new OutputConstraint(OutputConstraintKind.JsonSchema, schemas[i]), i));
            await Task.WhenAll(tasks);
        }

        for (var i = 0; i < schemas.Count; i++)
        {
            using var instance = JsonDocument.Parse(outputs[i]);
            var result = JsonSchema.FromText(schemas[i]).Evaluate(instance.RootElement);
            Assert.True(result.IsValid, $"schema {schemas[i]}\noutput {outputs[i]}");
        }
    }

    [Fact]
    public async Task ChoiceAndRegex_OutputsAlwaysMatch()
    {
        using var engine = CreateEngine();
        string[] choices = ["happy", "sad", "a very big dog"];
        const string pattern = @"[A-Z][a-z]{2,8} (is|was) \d{1,3}";

        var picked = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            GenerateAsync(engine, new OutputConstraint(OutputConstraintKind.Choice, JsonSerializer.Serialize(choices)), i)));
        var matched = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            GenerateAsync(engine, new OutputConstraint(OutputConstraintKind.Regex, pattern), 100 + i)));

        Assert.All(picked, p => Assert.Contains(p, choices));
        Assert.All(matched, m => Assert.Matches($"^{pattern}$", m));
    }

    [Fact]
    public async Task JsonObjectMode_ProducesAParseableObject()
    {
        using var engine = CreateEngine();

        var outputs = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            GenerateAsync(engine, new OutputConstraint(OutputConstraintKind.JsonObject, ""), 200 + i)));

        Assert.All(outputs, o => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(o).RootElement.ValueKind));
    }
}
