using System.Text.Json;
using Json.Schema;
using LlmServe.Worker.Chat.ToolCalling;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Tests.Oracle;

namespace LlmServe.Worker.Tests.Engine.StructuredOutput;

/// <summary>
/// Forced tool calls (tool_choice required or a named function) on real checkpoints sampled at temperature 1:
/// every output must parse as calls of allowed functions whose arguments validate against their parameters schema
/// (checked by an independent JSON Schema validator), in both the Hermes and the Llama 3.x format.
/// </summary>
public sealed class ForcedToolCallTests(RandomCheckpointFixture checkpoints) : IClassFixture<RandomCheckpointFixture>
{
    private sealed record Case(ToolRequest Request, ToolCallFormat Format);

    private static Case RandomCase(Random random, int i)
    {
        var tools = Enumerable.Range(0, random.Next(1, 4))
            .Select(t => new ToolFunction($"tool_{i}_{t}", JsonDocument.Parse(RandomSchemas.Next(random, objectsOnly: true)).RootElement.Clone()))
            .ToList();
        var named = i % 2 == 1;
        var request = new ToolRequest(tools, named ? ToolChoiceMode.Named : ToolChoiceMode.Required,
            named ? tools[random.Next(tools.Count)].Name : null, Parallel: random.Next(2) == 0);
        return new Case(request, i % 4 < 2 ? ToolCallFormat.Hermes : ToolCallFormat.Llama3Json);
    }

    [Fact]
    public Task RealCheckpoint_RequiredAndNamed_ArgumentsAlwaysValidate() => EveryCallValidatesAsync(null, 96, 91);

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    public Task RandomWeightCheckpoints_RequiredAndNamed_ArgumentsAlwaysValidate(string architecture) =>
        EveryCallValidatesAsync(checkpoints.Gguf(architecture), 32, architecture.Length);

    private static async Task EveryCallValidatesAsync(string? model, int count, int seed)
    {
        using var engine = TestEngines.Create(model);
        var random = new Random(seed);
        var cases = Enumerable.Range(0, count).Select(i => RandomCase(random, i)).ToList();
        var outputs = new string[count];
        for (var batch = 0; batch < count; batch += 16)
        {
            await Task.WhenAll(Enumerable.Range(batch, Math.Min(16, count - batch)).Select(async i =>
            {
                var constraint = new ChatToolCalls(cases[i].Request, cases[i].Format).ForcedConstraint()!;
                outputs[i] = await GenerateAsync(engine, engine.Constraints.Compile(constraint), i);
            }));
        }

        for (var i = 0; i < count; i++)
        {
            var (request, format) = cases[i];
            var parsed = new ChatToolCalls(request, format).Parse(outputs[i]);
            Assert.True(parsed.Calls.Count > 0, $"no calls parsed from {outputs[i]}");
            Assert.True(request.Parallel || parsed.Calls.Count == 1);
            foreach (var call in parsed.Calls)
            {
                var tool = Assert.Single(request.Callable, t => t.Name == call.Name);
                using var arguments = JsonDocument.Parse(call.Arguments);
                var result = JsonSchema.FromText(tool.Parameters!.Value.GetRawText()).Evaluate(arguments.RootElement);
                Assert.True(result.IsValid, $"schema {tool.Parameters}\narguments {call.Arguments}");
            }
        }
    }

    private static async Task<string> GenerateAsync(InferenceEngine engine, Worker.Engine.StructuredOutput.TokenMasker grammar, int seed)
    {
        var sampling = new SamplingParams { Temperature = 1.0, Seed = seed, MaxTokens = 1500, Grammar = grammar };
        var request = engine.Submit($"t{seed}", engine.Model.Tokenizer.Encode("Once upon a time", true), sampling, TestContext.Current.CancellationToken);
        var text = new System.Text.StringBuilder();
        await foreach (var e in request.Output.Reader.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            text.Append(e.Text);
            Assert.NotEqual(FinishReason.Length, e.Finish);
        }
        return text.ToString();
    }
}
