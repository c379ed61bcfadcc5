using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// Where a value sits in an object, in the two spellings the API server uses: <see cref="Field"/> as in validation
/// errors (<c>spec.listeners[0].name</c>) and <see cref="Managed"/> as in server-side apply's field-set errors
/// (<c>.spec.template.spec.containers[name="slotgate"].lifecycle</c>, list items named by their map keys).
/// </summary>
internal readonly record struct SchemaPath(string Field, string Managed)
{
    public static SchemaPath Root => new("", "");

    /// <summary>The path as an error prefix; the root object itself is spelled <c>&lt;root&gt;</c>.</summary>
    public string FieldOrRoot => Field.Length == 0 ? "<root>" : Field;

    public SchemaPath Property(string name) => new(Field.Length == 0 ? name : $"{Field}.{name}", $"{Managed}.{name}");

    /// <summary>An item of a list; a list with map keys names it by them, as server-side apply does.</summary>
    public SchemaPath Item(int index, JsonNode? item, IReadOnlyList<string>? mapKeys)
    {
        string managed = $"[{index}]";
        if (mapKeys is { Count: > 0 } && item is JsonObject obj)
        {
            var parts = mapKeys.Where(obj.ContainsKey).Select(k => $"{k}={obj[k]?.ToJsonString() ?? "null"}").ToList();
            if (parts.Count > 0)
            {
                managed = $"[{string.Join(",", parts)}]";
            }
        }
        return new($"{Field}[{index}]", Managed + managed);
    }
}
