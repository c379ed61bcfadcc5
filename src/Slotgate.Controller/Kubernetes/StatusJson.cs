using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// Status bodies for the <c>status</c> subresources, built from the reconciler's results and the object as it is now.
/// A condition keeps its <c>lastTransitionTime</c> while its status is unchanged (metav1.Condition), so the same
/// result yields the same body and <see cref="IsCurrent"/> can tell that nothing needs writing: status writes do not
/// loop through the controller's own watch.
/// </summary>
internal static class StatusJson
{
    /// <summary>A JSON merge patch of a GatewayClass's status.</summary>
    public static JsonObject GatewayClass(GatewayClassResult result, JsonElement existing, DateTimeOffset now) =>
        new() { ["status"] = new JsonObject { ["conditions"] = Conditions(result.Conditions, ExistingConditions(GatewayApiJson.Child(existing, "status")), now) } };

    /// <summary>A JSON merge patch of a Gateway's status (addresses removed only when none was ever published).</summary>
    public static JsonObject Gateway(GatewayStatusResult status, JsonElement existing, DateTimeOffset now)
    {
        JsonElement current = GatewayApiJson.Child(existing, "status");
        var listeners = new JsonArray();
        foreach (ListenerStatusResult listener in status.Listeners)
        {
            var kinds = new JsonArray();
            foreach (string kind in listener.SupportedKinds ?? [GatewayApi.TcpRouteKind])
            {
                kinds.Add(new JsonObject { ["group"] = GatewayApi.Group, ["kind"] = kind });
            }
            JsonElement old = GatewayApiJson.Array(current, "listeners").FirstOrDefault(l => GatewayApiJson.Text(l, "name") == listener.Name);
            listeners.Add(new JsonObject
            {
                ["name"] = listener.Name,
                ["supportedKinds"] = kinds,
                ["attachedRoutes"] = listener.AttachedRoutes,
                ["conditions"] = Conditions(listener.Conditions, ExistingConditions(old), now),
            });
        }
        JsonArray? addresses = null;
        if (status.Hostnames.Count > 0)
        {
            addresses = [];
            foreach (string hostname in status.Hostnames)
            {
                addresses.Add(new JsonObject { ["type"] = "Hostname", ["value"] = hostname });
            }
        }
        return new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["addresses"] = addresses,
                ["conditions"] = Conditions(status.Conditions, ExistingConditions(current), now),
                ["listeners"] = listeners,
            },
        };
    }

    /// <summary>
    /// A route's new <c>status.parents</c> after writing Slotgate's entries toward one Gateway: entries of other
    /// controllers and Slotgate's entries toward other Gateways are kept as they are; Slotgate's entries toward this
    /// Gateway are replaced by <paramref name="ours"/> (none when the route no longer attaches, or the Gateway is gone).
    /// </summary>
    public static JsonArray RouteParents(
        JsonElement existingRoute, ObjectKey gateway, IEnumerable<RouteParentResult> ours, string controllerName, DateTimeOffset now)
    {
        string routeNamespace = GatewayApiJson.Key(existingRoute).Namespace;
        var existing = ExistingParents(existingRoute).ToList();
        var parents = new JsonArray();
        foreach (JsonElement entry in existing)
        {
            if (!IsOurs(entry, controllerName, gateway, routeNamespace))
            {
                parents.Add(JsonNode.Parse(entry.GetRawText()));
            }
        }
        foreach (RouteParentResult parent in ours)
        {
            var reference = new JsonObject
            {
                ["group"] = GatewayApi.Group,
                ["kind"] = GatewayApi.GatewayKind,
                ["namespace"] = parent.Gateway.Namespace,
                ["name"] = parent.Gateway.Name,
            };
            if (parent.ParentRef.SectionName is { } section)
            {
                reference["sectionName"] = section;
            }
            if (parent.ParentRef.Port is { } port)
            {
                reference["port"] = port;
            }
            JsonElement old = existing.FirstOrDefault(e => IsOurs(e, controllerName, gateway, routeNamespace)
                && GatewayApiJson.Text(GatewayApiJson.Child(e, "parentRef"), "sectionName") == parent.ParentRef.SectionName
                && Port(GatewayApiJson.Child(e, "parentRef")) == parent.ParentRef.Port);
            parents.Add(new JsonObject
            {
                ["parentRef"] = reference,
                ["controllerName"] = controllerName,
                ["conditions"] = Conditions(parent.Conditions, ExistingConditions(old), now),
            });
        }
        return parents;
    }

    /// <summary>True when the route's status has an entry of this controller toward the Gateway.</summary>
    public static bool HasParent(JsonElement route, ObjectKey gateway, string controllerName) =>
        ExistingParents(route).Any(e => IsOurs(e, controllerName, gateway, GatewayApiJson.Key(route).Namespace));

    /// <summary>Gateways this controller has entries for in the route's status.</summary>
    public static IEnumerable<ObjectKey> ParentsOf(JsonElement route, string controllerName)
    {
        string routeNamespace = GatewayApiJson.Key(route).Namespace;
        foreach (JsonElement entry in ExistingParents(route))
        {
            if (GatewayApiJson.Text(entry, "controllerName") == controllerName)
            {
                JsonElement reference = GatewayApiJson.Child(entry, "parentRef");
                yield return new ObjectKey(GatewayApiJson.Text(reference, "namespace") ?? routeNamespace, GatewayApiJson.Text(reference, "name") ?? "");
            }
        }
    }

    /// <summary>True when every field the patch sets already has that value in the object's status.</summary>
    public static bool IsCurrent(JsonElement existing, JsonObject patch)
    {
        JsonNode? current = JsonNode.Parse(GatewayApiJson.Child(existing, "status") is { ValueKind: JsonValueKind.Object } s ? s.GetRawText() : "{}");
        foreach ((string name, JsonNode? value) in (JsonObject)patch["status"]!)
        {
            JsonNode? have = current?[name];
            if (value is null ? have is not null : !JsonNode.DeepEquals(value, have))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The existing parents array (or an empty one), to compare with <see cref="RouteParents"/>.</summary>
    public static JsonArray CurrentParents(JsonElement route)
    {
        var array = new JsonArray();
        foreach (JsonElement entry in ExistingParents(route))
        {
            array.Add(JsonNode.Parse(entry.GetRawText()));
        }
        return array;
    }

    /// <summary>The condition of this type in a status holder (object with <c>conditions</c>), or null.</summary>
    public static (string Status, string Reason, string Message)? FindCondition(JsonElement holder, string type)
    {
        foreach (JsonElement c in GatewayApiJson.Array(holder, "conditions"))
        {
            if (GatewayApiJson.Text(c, "type") == type)
            {
                return (GatewayApiJson.Text(c, "status") ?? "", GatewayApiJson.Text(c, "reason") ?? "", GatewayApiJson.Text(c, "message") ?? "");
            }
        }
        return null;
    }

    private static bool IsOurs(JsonElement entry, string controllerName, ObjectKey gateway, string routeNamespace)
    {
        if (GatewayApiJson.Text(entry, "controllerName") != controllerName)
        {
            return false;
        }
        JsonElement reference = GatewayApiJson.Child(entry, "parentRef");
        return (GatewayApiJson.Text(reference, "kind") ?? GatewayApi.GatewayKind) == GatewayApi.GatewayKind
            && GatewayApiJson.Text(reference, "name") == gateway.Name
            && (GatewayApiJson.Text(reference, "namespace") ?? routeNamespace) == gateway.Namespace;
    }

    private static int? Port(JsonElement reference) =>
        reference.ValueKind == JsonValueKind.Object && reference.TryGetProperty("port", out JsonElement p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null;

    private static JsonArray Conditions(IEnumerable<Condition> conditions, Dictionary<string, (string Status, string Time)> old, DateTimeOffset now)
    {
        var array = new JsonArray();
        foreach (Condition condition in conditions)
        {
            string status = condition.Status ? "True" : "False";
            string time = old.TryGetValue(condition.Type, out var previous) && previous.Status == status && previous.Time.Length > 0
                ? previous.Time
                : now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            array.Add(new JsonObject
            {
                ["type"] = condition.Type,
                ["status"] = status,
                ["observedGeneration"] = condition.ObservedGeneration,
                ["lastTransitionTime"] = time,
                ["reason"] = condition.Reason,
                ["message"] = Truncate(condition.Message),
            });
        }
        return array;
    }

    /// <summary>metav1.Condition allows a message of up to 32768 characters; an API server's error can be longer.</summary>
    private static string Truncate(string message) => message.Length <= 32768 ? message : message[..32760] + " ...";

    private static IEnumerable<JsonElement> ExistingParents(JsonElement route) =>
        GatewayApiJson.Array(GatewayApiJson.Child(route, "status"), "parents");

    private static Dictionary<string, (string, string)> ExistingConditions(JsonElement holder)
    {
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (JsonElement c in GatewayApiJson.Array(holder, "conditions"))
        {
            result[GatewayApiJson.Text(c, "type") ?? ""] = (GatewayApiJson.Text(c, "status") ?? "", GatewayApiJson.Text(c, "lastTransitionTime") ?? "");
        }
        return result;
    }
}
