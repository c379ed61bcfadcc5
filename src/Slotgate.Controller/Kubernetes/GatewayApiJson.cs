using System.Text.Json;
using Slotgate.Controller.Model;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// Reads Gateway API objects, as the API server returns them in JSON, into the reconciler's inputs. Pure, so tests
/// can feed it the JSON of real manifests.
/// </summary>
internal static class GatewayApiJson
{
    public static GatewayClassInput GatewayClass(JsonElement item)
    {
        JsonElement spec = Child(item, "spec");
        ParametersRefInput? parameters = spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("parametersRef", out JsonElement p)
            ? new ParametersRefInput(Text(p, "group") ?? "", Text(p, "kind") ?? "", Text(p, "name") ?? "", Text(p, "namespace"))
            : null;
        return new GatewayClassInput(Name(item), Text(spec, "controllerName") ?? "", Generation(item), parameters);
    }

    public static GatewayInput Gateway(JsonElement item)
    {
        JsonElement spec = Child(item, "spec");
        var listeners = Array(spec, "listeners").Select(l =>
        {
            string from = "Same";
            IReadOnlyDictionary<string, string>? selector = null;
            if (l.TryGetProperty("allowedRoutes", out JsonElement allowed) && allowed.TryGetProperty("namespaces", out JsonElement namespaces))
            {
                from = Text(namespaces, "from") ?? "Same";
                if (namespaces.TryGetProperty("selector", out JsonElement s))
                {
                    selector = StringMap(s, "matchLabels");
                }
            }
            return new ListenerInput(Text(l, "name") ?? "", Int(l, "port") ?? 0, Text(l, "protocol") ?? "", from, selector, Text(l, "hostname"));
        }).ToList();
        var addresses = Array(Child(item, "status"), "addresses").Select(a => Text(a, "value")).OfType<string>().ToList();
        return new GatewayInput(Key(item), Text(item.GetProperty("metadata"), "uid") ?? "", Generation(item),
            Text(spec, "gatewayClassName") ?? "", listeners, addresses);
    }

    public static TcpRouteInput TcpRoute(JsonElement item)
    {
        JsonElement spec = Child(item, "spec");
        var parents = Array(spec, "parentRefs").Select(p => new ParentRefInput(
            Text(p, "group"), Text(p, "kind"), Text(p, "namespace"), Text(p, "name") ?? "", Text(p, "sectionName"), Int(p, "port"))).ToList();
        var backends = Array(spec, "rules").SelectMany(r => Array(r, "backendRefs")).Select(b => new BackendRefInput(
            Text(b, "group"), Text(b, "kind"), Text(b, "namespace"), Text(b, "name") ?? "", Int(b, "port"))).ToList();
        return new TcpRouteInput(Key(item), Generation(item), parents, backends);
    }

    public static ReferenceGrantInput ReferenceGrant(JsonElement item)
    {
        JsonElement spec = Child(item, "spec");
        return new ReferenceGrantInput(
            Key(item).Namespace,
            Array(spec, "from").Select(f => new GrantFrom(Text(f, "group") ?? "", Text(f, "kind") ?? "", Text(f, "namespace") ?? "")).ToList(),
            Array(spec, "to").Select(t => new GrantTo(Text(t, "group") ?? "", Text(t, "kind") ?? "", Text(t, "name"))).ToList());
    }

    /// <summary>The <c>items</c> of a list response.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement list) => Array(list, "items");

    public static ObjectKey Key(JsonElement item)
    {
        JsonElement metadata = item.GetProperty("metadata");
        return new ObjectKey(Text(metadata, "namespace") ?? "", Text(metadata, "name") ?? "");
    }

    private static string Name(JsonElement item) => Text(item.GetProperty("metadata"), "name") ?? "";

    private static long Generation(JsonElement item) =>
        item.GetProperty("metadata").TryGetProperty("generation", out JsonElement g) && g.ValueKind == JsonValueKind.Number ? g.GetInt64() : 0;

    /// <summary>The named object member, or an undefined element when it is absent.</summary>
    public static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) ? value : default;

    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    private static Dictionary<string, string> StringMap(JsonElement element, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in value.EnumerateObject())
            {
                map[property.Name] = property.Value.GetString() ?? "";
            }
        }
        return map;
    }
}
