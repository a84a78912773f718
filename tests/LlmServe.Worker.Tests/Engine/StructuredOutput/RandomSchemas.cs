using System.Text.Json.Nodes;

namespace LlmServe.Worker.Tests.Engine.StructuredOutput;

internal static class RandomSchemas
{
    /// <summary>Varied schemas: nested objects, arrays with bounds, enums, integers, numbers, booleans, nullable fields.</summary>
    public static string Next(Random random, int depth = 0, bool objectsOnly = false)
    {
        JsonObject Leaf() => random.Next(7) switch
        {
            0 => new JsonObject { ["type"] = "string", ["maxLength"] = random.Next(1, 10) },
            1 => new JsonObject { ["type"] = "integer" },
            2 => new JsonObject { ["type"] = "number" },
            3 => new JsonObject { ["type"] = "boolean" },
            4 => new JsonObject { ["enum"] = new JsonArray("red", "green", "blue", 3, null) },
            5 => new JsonObject { ["type"] = new JsonArray("string", "null"), ["maxLength"] = 6 },
            _ => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "integer" }, ["maxItems"] = random.Next(0, 4) },
        };
        var properties = new JsonObject();
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            properties[$"p{i}"] = depth < 2 && random.Next(4) == 0 ? JsonNode.Parse(Next(random, depth + 1)) : Leaf();
        }
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = new JsonArray("p0") };
        if (depth == 0 && !objectsOnly && random.Next(3) == 0)
        {
            return new JsonObject
            {
                ["type"] = "array", ["items"] = schema, ["minItems"] = 1, ["maxItems"] = 2,
            }.ToJsonString();
        }
        return schema.ToJsonString();
    }
}
