using System.Text.Json;
using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// Sets of field paths in the <c>FieldsV1</c> vocabulary of <c>metadata.managedFields</c>: a path is a sequence of
/// <c>f:name</c> (a field) and <c>k:{"name":"x"}</c> (a list item by its merge key) elements. A path ending in a
/// <c>k:</c> element stands for the item itself (<c>"."</c> in the serialized tree). Lists without a known key are
/// atomic: owned as a whole.
/// </summary>
internal static class FieldSet
{
    private const char Separator = '\n';

    private static readonly HashSet<string> IdentityFields = ["apiVersion", "kind"];

    private static readonly HashSet<string> ServerMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName"];

    public static string Join(string prefix, string element) => prefix.Length == 0 ? element : prefix + Separator + element;

    public static string[] Split(string path) => path.Split(Separator);

    public static bool IsUnder(string path, string ancestor) =>
        path.Length > ancestor.Length && path.StartsWith(ancestor, StringComparison.Ordinal) && path[ancestor.Length] == Separator;

    /// <summary>Every path an object sets (leaves, atomic lists, and keyed list items), without identity and server metadata.</summary>
    public static HashSet<string> Of(JsonObject obj, Func<string, bool>? topLevel = null)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, JsonNode? value) in obj)
        {
            if (IdentityFields.Contains(name) || (topLevel is not null && !topLevel(name)))
            {
                continue;
            }
            if (name == "metadata" && value is JsonObject metadata)
            {
                foreach ((string field, JsonNode? fieldValue) in metadata)
                {
                    if (!ServerMetadata.Contains(field))
                    {
                        Collect(fieldValue, Join("f:metadata", "f:" + field), field, set);
                    }
                }
                continue;
            }
            Collect(value, "f:" + name, name, set);
        }
        return set;
    }

    private static void Collect(JsonNode? node, string path, string fieldName, HashSet<string> set)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach ((string name, JsonNode? value) in o)
                {
                    Collect(value, Join(path, "f:" + name), name, set);
                }
                break;
            case JsonArray a when a.Count > 0 && Patches.KeyOf(fieldName, a) is string[] key:
                foreach (JsonObject item in a.OfType<JsonObject>())
                {
                    string itemPath = Join(path, ItemElement(item, key));
                    set.Add(itemPath);
                    foreach ((string name, JsonNode? value) in item)
                    {
                        Collect(value, Join(itemPath, "f:" + name), name, set);
                    }
                }
                break;
            default:
                set.Add(path);
                break;
        }
    }

    public static string ItemElement(JsonObject item, string[] key)
    {
        var keyObject = new JsonObject();
        foreach (string k in key)
        {
            keyObject[k] = item[k]?.DeepClone();
        }
        return "k:" + JsonText.Write(keyObject);
    }

    /// <summary>The value an object holds at a path; <c>found</c> false when the path does not exist.</summary>
    public static JsonNode? ValueAt(JsonObject obj, string path, out bool found)
    {
        JsonNode? node = obj;
        found = false;
        foreach (string element in Split(path))
        {
            if (element.StartsWith("f:", StringComparison.Ordinal) && node is JsonObject o && o.TryGetPropertyValue(element[2..], out JsonNode? child))
            {
                node = child;
            }
            else if (element.StartsWith("k:", StringComparison.Ordinal) && node is JsonArray a
                     && a.OfType<JsonObject>().FirstOrDefault(i => Matches(i, element)) is JsonObject item)
            {
                node = item;
            }
            else
            {
                return null;
            }
        }
        found = true;
        return node;
    }

    private static bool Matches(JsonObject item, string element)
    {
        JsonObject key = JsonNode.Parse(element[2..])!.AsObject();
        return key.All(p => JsonNode.DeepEquals(item[p.Key], p.Value));
    }

    /// <summary>Removes the field or list item at a path, if present; returns the parent container.</summary>
    public static void RemoveAt(JsonObject obj, string path)
    {
        string[] elements = Split(path);
        string parentPath = string.Join(Separator, elements[..^1]);
        JsonNode? parent = elements.Length == 1 ? obj : ValueAt(obj, parentPath, out _);
        string last = elements[^1];
        if (last.StartsWith("f:", StringComparison.Ordinal) && parent is JsonObject o)
        {
            o.Remove(last[2..]);
        }
        else if (last.StartsWith("k:", StringComparison.Ordinal) && parent is JsonArray a
                 && a.OfType<JsonObject>().FirstOrDefault(i => Matches(i, last)) is JsonObject item)
        {
            a.Remove(item);
        }
    }

    /// <summary>The <c>fieldsV1</c> tree of a set: nested objects, <c>"."</c> marking a path owned as well as its children.</summary>
    public static JsonObject ToTree(IEnumerable<string> paths)
    {
        var root = new Node();
        foreach (string path in paths)
        {
            Node node = root;
            foreach (string element in Split(path))
            {
                if (!node.Children.TryGetValue(element, out Node? child))
                {
                    child = new Node();
                    node.Children[element] = child;
                }
                node = child;
            }
            node.Owned = true;
        }
        return root.Render();
    }

    public static HashSet<string> FromTree(JsonObject? tree)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (tree is not null)
        {
            Walk(tree, "", set);
        }
        return set;
    }

    private static void Walk(JsonObject tree, string prefix, HashSet<string> set)
    {
        foreach ((string element, JsonNode? child) in tree)
        {
            if (element == ".")
            {
                set.Add(prefix);
                continue;
            }
            string path = Join(prefix, element);
            if (child is JsonObject o && o.Count > 0)
            {
                Walk(o, path, set);
            }
            else
            {
                set.Add(path);
            }
        }
    }

    /// <summary>A path as the API server prints it in conflicts: <c>.spec.template.spec.containers[name="slotgate"].image</c>.</summary>
    public static string Display(string path)
    {
        var text = new System.Text.StringBuilder();
        foreach (string element in Split(path))
        {
            if (element.StartsWith("f:", StringComparison.Ordinal))
            {
                text.Append('.').Append(element[2..]);
            }
            else
            {
                JsonObject key = JsonNode.Parse(element[2..])!.AsObject();
                text.Append('[').Append(string.Join(',', key.Select(p => $"{p.Key}={JsonText.Write(p.Value!)}"))).Append(']');
            }
        }
        return text.ToString();
    }

    private sealed class Node
    {
        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public bool Owned { get; set; }

        public JsonObject Render()
        {
            var result = new JsonObject();
            if (Owned && Children.Count > 0)
            {
                result["."] = new JsonObject();
            }
            foreach ((string element, Node child) in Children.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                result[element] = child.Render();
            }
            return result;
        }
    }
}
