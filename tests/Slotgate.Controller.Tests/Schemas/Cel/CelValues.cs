using System.Text.Json;
using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>JSON to CEL values: objects become maps, arrays lists, integral numbers int, other numbers double.</summary>
public static class CelValues
{
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => ToMap(obj),
        JsonArray array => array.Select(FromJson).ToList(),
        JsonValue value => Scalar(value),
        _ => throw new CelEvaluationException($"unsupported JSON node {node.GetType().Name}"),
    };

    private static CelMap ToMap(JsonObject obj)
    {
        var map = new CelMap();
        foreach ((string key, JsonNode? value) in obj)
        {
            map[key] = FromJson(value);
        }
        return map;
    }

    private static object? Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Number => JsonNumbers.TryGetInteger(value, out long l) ? (object)l : JsonNumbers.GetDouble(value),
        var kind => throw new CelEvaluationException($"unsupported JSON value kind {kind}"),
    };
}
