using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>Walks a JSON tree.</summary>
internal static class JsonTree
{
    /// <summary>
    /// Calls <paramref name="visit"/> on every object in <paramref name="node"/>, each before its members are walked,
    /// so it may remove members it does not want walked.
    /// </summary>
    public static void ForEachObject(JsonNode? node, Action<JsonObject> visit)
    {
        switch (node)
        {
            case JsonObject obj:
                visit(obj);
                foreach ((_, JsonNode? child) in obj)
                {
                    ForEachObject(child, visit);
                }
                break;
            case JsonArray array:
                foreach (JsonNode? child in array)
                {
                    ForEachObject(child, visit);
                }
                break;
        }
    }
}
