using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// The patch formats of the API server: JSON merge patch (RFC 7386), strategic merge patch (a merge patch whose lists
/// with a known merge key merge item by item, with <c>$patch: delete</c>), and JSON patch (RFC 6902).
/// </summary>
internal static class Patches
{
    /// <summary>
    /// Merge keys of the lists Slotgate's objects carry, by field name (the built-in types' <c>patchMergeKey</c> and the
    /// CRDs' <c>x-kubernetes-list-map-keys</c>). A list whose items do not all carry the key is treated as atomic.
    /// </summary>
    private static readonly Dictionary<string, string[]> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = ["name"],
        ["initContainers"] = ["name"],
        ["ephemeralContainers"] = ["name"],
        ["env"] = ["name"],
        ["volumes"] = ["name"],
        ["volumeMounts"] = ["mountPath"],
        ["imagePullSecrets"] = ["name"],
        ["conditions"] = ["type"],
        // The Gateway API CRDs' map lists (x-kubernetes-list-type: map); their other lists are atomic.
        ["listeners"] = ["name"],
        ["supportedFeatures"] = ["name"],
        ["headers"] = ["name"],
        ["queryParams"] = ["name"],
        ["add"] = ["name"],
        ["set"] = ["name"],
        ["perPort"] = ["port"],
        ["topologySpreadConstraints"] = ["topologyKey", "whenUnsatisfiable"],
        ["ownerReferences"] = ["uid"],
    };

    /// <summary>The key fields of a list's items, or null when the list is atomic (replaced as a whole).</summary>
    public static string[]? KeyOf(string? fieldName, JsonArray list)
    {
        string[]? key = fieldName switch
        {
            null => null,
            // Container ports merge by port number (Service ports by port and protocol) in the built-in schemas.
            "ports" when list.All(i => i is JsonObject o && o.ContainsKey("containerPort")) => ["containerPort"],
            "ports" when list.All(i => i is JsonObject o && o.ContainsKey("port")) => ["port"],
            _ => MergeKeys.GetValueOrDefault(fieldName),
        };
        return key is not null && list.All(i => i is JsonObject o && key.All(o.ContainsKey)) ? key : null;
    }

    public static bool SameKey(JsonObject a, JsonObject b, string[] key) => key.All(k => JsonNode.DeepEquals(a[k], b[k]));

    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        JsonObject result = target is JsonObject t ? t.DeepClone().AsObject() : [];
        foreach ((string name, JsonNode? value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = MergePatch(result[name], value);
            }
        }
        return result;
    }

    public static JsonNode? StrategicMergePatch(JsonNode? target, JsonNode? patch, string? fieldName = null)
    {
        switch (patch)
        {
            case JsonObject patchObject:
            {
                JsonObject result = target is JsonObject t ? t.DeepClone().AsObject() : [];
                foreach ((string name, JsonNode? value) in patchObject)
                {
                    if (name.StartsWith('$'))
                    {
                        continue;
                    }
                    if (value is null)
                    {
                        result.Remove(name);
                    }
                    else
                    {
                        result[name] = StrategicMergePatch(result[name], value, name);
                    }
                }
                return result;
            }
            case JsonArray patchList when target is JsonArray targetList:
            {
                var items = patchList.Where(i => !(i is JsonObject o && o.ContainsKey("$patch"))).ToList();
                string[]? key = KeyOf(fieldName, new JsonArray(items.Select(i => i?.DeepClone()).ToArray()));
                if (key is null || !targetList.All(i => i is JsonObject o && key.All(o.ContainsKey)))
                {
                    return StripDirectives(patchList);
                }
                var result = new JsonArray(targetList.Select(i => i?.DeepClone()).ToArray());
                foreach (JsonObject item in patchList.OfType<JsonObject>())
                {
                    JsonObject? existing = result.OfType<JsonObject>().FirstOrDefault(r => SameKey(r, item, key));
                    if ((string?)item["$patch"] == "delete")
                    {
                        if (existing is not null)
                        {
                            result.Remove(existing);
                        }
                    }
                    else if (existing is null)
                    {
                        result.Add(StripDirectives(item));
                    }
                    else
                    {
                        int index = result.IndexOf(existing);
                        result[index] = StrategicMergePatch(existing, item, null);
                    }
                }
                return result;
            }
            default:
                return StripDirectives(patch);
        }
    }

    private static JsonNode? StripDirectives(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => !p.Key.StartsWith('$'))
            .Select(p => new KeyValuePair<string, JsonNode?>(p.Key, StripDirectives(p.Value)))),
        JsonArray a => new JsonArray(a.Where(i => !(i is JsonObject o && o.ContainsKey("$patch"))).Select(StripDirectives).ToArray()),
        _ => node?.DeepClone(),
    };

    public static JsonNode? JsonPatch(JsonNode? target, JsonArray operations)
    {
        JsonNode? document = target?.DeepClone();
        foreach (JsonNode? operation in operations)
        {
            string op = (string?)operation?["op"] ?? throw ApiError.BadRequest("json patch operation without op");
            string path = (string?)operation!["path"] ?? throw ApiError.BadRequest($"json patch {op} without path");
            switch (op)
            {
                case "add":
                    document = Add(document, path, operation["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Get(document, path);
                    if (path.Length == 0)
                    {
                        document = operation["value"]?.DeepClone();
                    }
                    else
                    {
                        Remove(document, path);
                        document = Add(document, path, operation["value"]?.DeepClone());
                    }
                    break;
                case "move":
                {
                    string from = (string?)operation["from"] ?? throw ApiError.BadRequest("json patch move without from");
                    JsonNode? value = Get(document, from)?.DeepClone();
                    Remove(document, from);
                    document = Add(document, path, value);
                    break;
                }
                case "copy":
                {
                    string from = (string?)operation["from"] ?? throw ApiError.BadRequest("json patch copy without from");
                    document = Add(document, path, Get(document, from)?.DeepClone());
                    break;
                }
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), operation["value"]))
                    {
                        throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }
                    break;
                default:
                    throw ApiError.BadRequest($"Unexpected kind: {op}");
            }
        }
        return document;
    }

    private static string[] Tokens(string pointer) =>
        pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();

    private static string ParentPointer(string[] tokens) =>
        "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));

    private static JsonNode? Get(JsonNode? document, string pointer)
    {
        JsonNode? node = document;
        foreach (string token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(token) => o[token],
                JsonArray a when int.TryParse(token, out int i) && i >= 0 && i < a.Count => a[i],
                _ => throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{pointer}\": missing value"),
            };
        }
        return node;
    }

    private static JsonNode? Add(JsonNode? document, string pointer, JsonNode? value)
    {
        string[] tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            return value;
        }
        JsonNode? parent = tokens.Length == 1 ? document : Get(document, ParentPointer(tokens));
        string last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out int i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{pointer}\": missing value");
        }
        return document;
    }

    private static void Remove(JsonNode? document, string pointer)
    {
        string[] tokens = Tokens(pointer);
        JsonNode? parent = tokens.Length == 1 ? document : Get(document, ParentPointer(tokens));
        string last = tokens[^1];
        bool removed = parent switch
        {
            JsonObject o => o.Remove(last),
            JsonArray a when int.TryParse(last, out int i) && i >= 0 && i < a.Count => RemoveAt(a, i),
            _ => false,
        };
        if (!removed)
        {
            throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: Unable to remove nonexistent key: {last}: missing value");
        }
    }

    private static bool RemoveAt(JsonArray array, int index)
    {
        array.RemoveAt(index);
        return true;
    }
}
