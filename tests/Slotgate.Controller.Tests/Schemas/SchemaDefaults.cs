using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// What the API server does to a custom resource before validating it: a <c>null</c> in a field that is not
/// <c>nullable</c> is dropped, then every absent field with a <c>default</c> gets it (inside defaults too), so CEL
/// rules see the defaulted object.
/// </summary>
internal static class SchemaDefaults
{
    public static void Apply(JsonNode? value, JsonObject schema, bool root = false)
    {
        switch (value)
        {
            case JsonObject obj:
                if (schema["properties"] is JsonObject properties)
                {
                    foreach ((string name, JsonNode? propertyNode) in properties)
                    {
                        if (propertyNode is not JsonObject property || root && name == "metadata")
                        {
                            continue;
                        }
                        if (obj.TryGetPropertyValue(name, out JsonNode? current) && current is null && !IsNullable(property))
                        {
                            obj.Remove(name);
                        }
                        if (!obj.ContainsKey(name) && property["default"] is JsonNode defaultValue)
                        {
                            obj[name] = defaultValue.DeepClone();
                        }
                        if (obj[name] is JsonNode child)
                        {
                            Apply(child, property);
                        }
                    }
                }
                if (schema["additionalProperties"] is JsonObject additional)
                {
                    var declared = schema["properties"] as JsonObject;
                    foreach ((string name, JsonNode? child) in obj.ToList())
                    {
                        if (declared?.ContainsKey(name) != true && child is not null)
                        {
                            Apply(child, additional);
                        }
                    }
                }
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                foreach (JsonNode? item in array)
                {
                    Apply(item, items);
                }
                break;
        }
    }

    private static bool IsNullable(JsonObject schema) => schema["nullable"] is JsonValue n && (bool)n;
}
