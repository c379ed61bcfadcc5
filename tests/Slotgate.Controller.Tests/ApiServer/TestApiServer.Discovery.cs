using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>Discovery and the other non-resource paths: /version, /api, /apis, the health endpoints.</summary>
public sealed partial class TestApiServer
{
    private async Task<bool> TryNonResourceAsync(HttpContext context, string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonNode? body = segments switch
        {
            ["version"] => Version(),
            ["api"] => new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = new Uri(Host).Authority }),
            },
            ["api", var version] => ResourceList("", version),
            ["apis"] => GroupList(),
            ["apis", var group] => Groups().FirstOrDefault(g => (string?)g["name"] == group) ?? throw NoSuchResource(),
            ["apis", var group, var version] => ResourceList(group, version),
            ["healthz"] or ["livez"] or ["readyz"] => null,
            _ => JsonValue.Create(false),
        };
        if (body is JsonValue v && v.GetValueKind() == JsonValueKind.False)
        {
            return false;
        }
        if (body is null)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
        return true;
    }

    private JsonObject Version()
    {
        string[] parts = _options.KubernetesVersion.TrimStart('v').Split('.');
        return new JsonObject
        {
            ["major"] = parts[0],
            ["minor"] = parts.Length > 1 ? parts[1] : "0",
            ["gitVersion"] = _options.KubernetesVersion,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2024-01-01T00:00:00Z",
            ["goVersion"] = "go1.21",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    private JsonObject ResourceList(string group, string version)
    {
        if (!_table.Serves(group, version))
        {
            throw NoSuchResource();
        }
        var resources = new JsonArray();
        foreach (ResourceType type in _table.All().Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal))
        {
            resources.Add(new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
            });
            if (type.ShortNames.Count > 0)
            {
                ((JsonObject)resources[^1]!)["shortNames"] = new JsonArray(type.ShortNames.Select(n => (JsonNode?)n).ToArray());
            }
            if (type.Categories.Count > 0)
            {
                ((JsonObject)resources[^1]!)["categories"] = new JsonArray(type.Categories.Select(n => (JsonNode?)n).ToArray());
            }
            if (type.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = type.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = type.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(Groups().Select(g => (JsonNode?)g).ToArray()),
    };

    private List<JsonObject> Groups()
    {
        var groups = new List<JsonObject>();
        foreach (IGrouping<string, ResourceType> group in _table.All().Where(t => t.Group.Length > 0).GroupBy(t => t.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var versions = group.Select(t => t.Version).Distinct().OrderByDescending(VersionPriority).ToList();
            JsonObject Entry(string v) => new() { ["groupVersion"] = $"{group.Key}/{v}", ["version"] = v };
            groups.Add(new JsonObject
            {
                ["kind"] = "APIGroup",
                ["apiVersion"] = "v1",
                ["name"] = group.Key,
                ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)Entry(v)).ToArray()),
                ["preferredVersion"] = Entry(versions[0]),
            });
        }
        return groups;
    }

    /// <summary>Kubernetes' version order: GA before beta before alpha, higher numbers first.</summary>
    private static long VersionPriority(string version)
    {
        var match = Regex.Match(version, @"^v(\d+)(?:(alpha|beta)(\d+))?$");
        if (!match.Success)
        {
            return 0;
        }
        long major = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        long stage = match.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        long minor = match.Groups[3].Success && match.Groups[3].Value.Length > 0 ? long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return (stage * 1_000_000) + (major * 1000) + minor;
    }
}
