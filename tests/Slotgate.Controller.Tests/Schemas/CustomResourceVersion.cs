using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>One served version of a CRD.</summary>
internal sealed record CustomResourceVersion(string CrdName, string Version, string Kind, bool Namespaced, JsonObject Schema)
{
    /// <summary>Every <c>x-kubernetes-validations</c> rule of this version's schema, with where it sits.</summary>
    public IEnumerable<(string Path, string Rule, string? Message)> Rules()
    {
        var pending = new Stack<(string Path, JsonNode? Node)>();
        pending.Push(("", Schema));
        while (pending.Count > 0)
        {
            (string path, JsonNode? node) = pending.Pop();
            if (node is JsonObject obj)
            {
                if (obj["x-kubernetes-validations"] is JsonArray rules)
                {
                    foreach (JsonObject rule in rules.OfType<JsonObject>())
                    {
                        yield return (path, (string)rule["rule"]!, (string?)rule["message"]);
                    }
                }
                foreach ((string key, JsonNode? child) in obj)
                {
                    if (key != "x-kubernetes-validations" && key != "default" && key != "enum")
                    {
                        pending.Push(($"{path}/{key}", child));
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (int i = 0; i < array.Count; i++)
                {
                    pending.Push(($"{path}/{i}", array[i]));
                }
            }
        }
    }
}
