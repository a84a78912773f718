using System.Globalization;
using System.Text.Json;

namespace LlmServe.Gateway.Routing;

/// <summary>Reads the routing hints of a request: its sticky key (session header, else OpenAI <c>user</c>) and priority.</summary>
internal static class RouteRequestReader
{
    public static RouteRequest Read(HttpRequest request, JsonElement body, string model)
    {
        string? sticky = request.Headers[RouteRequest.SessionHeader].ToString();
        if (string.IsNullOrEmpty(sticky))
        {
            sticky = body.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String ? user.GetString() : null;
        }
        var priority = int.TryParse(request.Headers[RouteRequest.PriorityHeader].ToString(), NumberStyles.Integer,
            CultureInfo.InvariantCulture, out var p) ? p : 0;
        return new RouteRequest(model, string.IsNullOrEmpty(sticky) ? null : sticky, priority);
    }
}
