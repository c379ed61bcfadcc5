using System.Text.Json;

namespace Slotgate.Controller.Runtime;

/// <summary>An object of a custom resource (the Gateway API kinds) as the API server returned it, with its identity read once.</summary>
internal sealed class ApiObject
{
    public ApiObject(JsonElement json)
    {
        Json = json;
        JsonElement metadata = json.TryGetProperty("metadata", out JsonElement m) ? m : default;
        Namespace = Text(metadata, "namespace");
        Name = Text(metadata, "name") ?? "";
        ResourceVersion = Text(metadata, "resourceVersion") ?? "";
    }

    public JsonElement Json { get; }

    public string? Namespace { get; }

    public string Name { get; }

    public string ResourceVersion { get; }

    public string Key => Namespace is { Length: > 0 } ns ? ns + "/" + Name : Name;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
