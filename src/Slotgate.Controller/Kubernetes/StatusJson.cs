using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// Status bodies for JSON merge patches of the <c>status</c> subresource. A condition keeps its
/// <c>lastTransitionTime</c> while its status is unchanged, as metav1.Condition requires.
/// </summary>
internal static class StatusJson
{
    public static JsonObject GatewayClass(GatewayClassResult result, JsonElement existing, DateTimeOffset now) =>
        new() { ["status"] = new JsonObject { ["conditions"] = Conditions([result.Accepted], ExistingConditions(existing), now) } };

    public static JsonObject Gateway(GatewayStatusResult status, JsonElement existing, DateTimeOffset now)
    {
        var old = ExistingConditions(existing);
        var listeners = new JsonArray();
        foreach (ListenerStatusResult listener in status.Listeners)
        {
            listeners.Add(new JsonObject
            {
                ["name"] = listener.Name,
                ["attachedRoutes"] = listener.AttachedRoutes,
                ["supportedKinds"] = new JsonArray { new JsonObject { ["group"] = GatewayApi.Group, ["kind"] = GatewayApi.TcpRouteKind } },
                ["conditions"] = Conditions(listener.Conditions, ExistingListenerConditions(existing, listener.Name), now),
            });
        }
        var addresses = new JsonArray();
        foreach (string hostname in status.Hostnames)
        {
            addresses.Add(new JsonObject { ["type"] = "Hostname", ["value"] = hostname });
        }
        return new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["addresses"] = addresses,
                ["conditions"] = Conditions(status.Conditions, old, now),
                ["listeners"] = listeners,
            },
        };
    }

    /// <summary>A route's <c>status.parents</c>: entries of other controllers kept, Slotgate's replaced.</summary>
    public static JsonObject Route(IEnumerable<RouteParentResult> ours, JsonElement existing, string controllerName, DateTimeOffset now)
    {
        var parents = new JsonArray();
        foreach (JsonElement entry in ExistingParents(existing))
        {
            if (!(entry.TryGetProperty("controllerName", out JsonElement c) && c.GetString() == controllerName))
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
            parents.Add(new JsonObject
            {
                ["parentRef"] = reference,
                ["controllerName"] = controllerName,
                ["conditions"] = Conditions(parent.Conditions, ExistingParentConditions(existing, parent.Gateway, controllerName), now),
            });
        }
        return new JsonObject { ["status"] = new JsonObject { ["parents"] = parents } };
    }

    private static JsonArray Conditions(IEnumerable<Condition> conditions, Dictionary<string, (string Status, string Time)> old, DateTimeOffset now)
    {
        var array = new JsonArray();
        foreach (Condition condition in conditions)
        {
            string status = condition.Status ? "True" : "False";
            string time = old.TryGetValue(condition.Type, out var previous) && previous.Status == status
                ? previous.Time
                : now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            array.Add(new JsonObject
            {
                ["type"] = condition.Type,
                ["status"] = status,
                ["reason"] = condition.Reason,
                ["message"] = condition.Message,
                ["observedGeneration"] = condition.ObservedGeneration,
                ["lastTransitionTime"] = time,
            });
        }
        return array;
    }

    private static Dictionary<string, (string, string)> ExistingConditions(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("status", out JsonElement status) ? Read(status) : [];

    private static Dictionary<string, (string, string)> ExistingListenerConditions(JsonElement item, string listener)
    {
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("status", out JsonElement status)
            && status.TryGetProperty("listeners", out JsonElement listeners) && listeners.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement entry in listeners.EnumerateArray())
            {
                if (entry.TryGetProperty("name", out JsonElement name) && name.GetString() == listener)
                {
                    return Read(entry);
                }
            }
        }
        return [];
    }

    private static Dictionary<string, (string, string)> ExistingParentConditions(JsonElement item, ObjectKey gateway, string controllerName)
    {
        foreach (JsonElement entry in ExistingParents(item))
        {
            if (entry.TryGetProperty("controllerName", out JsonElement c) && c.GetString() == controllerName
                && entry.TryGetProperty("parentRef", out JsonElement reference)
                && reference.TryGetProperty("name", out JsonElement name) && name.GetString() == gateway.Name)
            {
                return Read(entry);
            }
        }
        return [];
    }

    private static IEnumerable<JsonElement> ExistingParents(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("status", out JsonElement status)
            && status.TryGetProperty("parents", out JsonElement parents) && parents.ValueKind == JsonValueKind.Array
            ? parents.EnumerateArray()
            : [];

    private static Dictionary<string, (string, string)> Read(JsonElement holder)
    {
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        if (holder.TryGetProperty("conditions", out JsonElement conditions) && conditions.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement c in conditions.EnumerateArray())
            {
                if (c.TryGetProperty("type", out JsonElement type) && c.TryGetProperty("status", out JsonElement s) && c.TryGetProperty("lastTransitionTime", out JsonElement t))
                {
                    result[type.GetString() ?? ""] = (s.GetString() ?? "", t.GetString() ?? "");
                }
            }
        }
        return result;
    }
}
