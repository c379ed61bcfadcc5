using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>The value at the same place in the old object of an update (for CEL transition rules).</summary>
internal readonly record struct OldValue(bool Has, JsonNode? Value)
{
    public static OldValue None => default;

    /// <summary>The old item of a map list with the same key values, if any.</summary>
    public static OldValue Find(JsonArray oldArray, JsonNode? item, IReadOnlyList<string> keys)
    {
        if (item is not JsonObject obj)
        {
            return None;
        }
        foreach (JsonNode? candidate in oldArray)
        {
            if (candidate is JsonObject c && keys.All(k => JsonNode.DeepEquals(c[k], obj[k])))
            {
                return new OldValue(true, c);
            }
        }
        return None;
    }
}
