using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>The HTTP side: routing, authentication and authorization, the verbs, watch streams, and discovery.</summary>
public sealed partial class TestApiServer
{
    private sealed record Target(string Group, string Version, ResourceType Type, string? Namespace, string? Name, string? Subresource, bool WatchPrefix);

    private async Task HandleAsync(HttpContext context)
    {
        ApiRequest? audit = null;
        try
        {
            Identity? identity = Authenticate(context);
            string path = context.Request.Path.Value ?? "/";
            if (identity is null && !IsResourcePath(path))
            {
                throw Unauthorized();
            }
            if (await TryNonResourceAsync(context, path).ConfigureAwait(false))
            {
                return;
            }
            Target target = Resolve(path);
            string verb = VerbOf(context.Request, target);
            JsonNode? body = null;
            string? patchType = null;
            if (verb is "create" or "update" or "patch" or "delete" or "deletecollection")
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true);
                string text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
                if (verb == "patch")
                {
                    patchType = PatchTypeOf(context.Request.ContentType, target.Type);
                }
                body = ParseBody(text, patchType == "apply");
            }
            IQueryCollection query = context.Request.Query;
            audit = new ApiRequest
            {
                Verb = verb,
                Group = target.Group,
                Version = target.Version,
                Resource = target.Type.Plural,
                Namespace = target.Namespace,
                Name = target.Name,
                Subresource = target.Subresource,
                User = identity?.User ?? "system:anonymous",
                PatchType = patchType,
                FieldManager = query["fieldManager"].FirstOrDefault(),
                Body = body,
            };
            lock (_gate)
            {
                _requests.Add(audit);
            }
            if (identity is null)
            {
                throw Unauthorized();
            }
            Authorize(identity, target, verb);
            if (verb == "patch" && patchType == "apply" && _store.Peek(target.Group, target.Type.Plural, target.Namespace, target.Name!) is null)
            {
                // Apply that creates needs the create permission as well.
                Authorize(identity, target, "create");
            }
            Fault? fault;
            TimeSpan delay;
            lock (_gate)
            {
                fault = _faults.LastOrDefault(f => f.Match(audit));
                delay = _delays.Where(d => d.Match(audit)).Aggregate(TimeSpan.Zero, (total, d) => total + d.Delay);
            }
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            }
            if (fault is not null)
            {
                throw new ApiError(fault.Code, ApiError.ReasonFor(fault.Code), fault.Message, ApiError.DetailsOf(target.Type, target.Name));
            }
            if (verb == "watch")
            {
                audit.Code = 200;
                await WatchAsync(context, target).ConfigureAwait(false);
                return;
            }
            (int code, JsonObject response) = Execute(context.Request, target, verb, body, patchType, identity);
            audit.Code = code;
            await WriteJsonAsync(context, code, response).ConfigureAwait(false);
        }
        catch (ApiError error)
        {
            if (audit is not null)
            {
                audit.Code = error.Code;
            }
            if (!context.Response.HasStarted)
            {
                await WriteJsonAsync(context, error.Code, error.ToStatus()).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault of the test server itself: answered as the API server answers an internal error, with the cause.
            if (audit is not null)
            {
                audit.Code = 500;
            }
            if (!context.Response.HasStarted)
            {
                await WriteJsonAsync(context, 500, ApiError.Status(500, "InternalError", $"an error on the server (\"{e}\") has prevented the request from succeeding", null)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The identity of the request's bearer token; null when there is none or it is unknown.</summary>
    private Identity? Authenticate(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization.FirstOrDefault();
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            lock (_gate)
            {
                if (_tokens.TryGetValue(header[7..].Trim(), out Identity? identity))
                {
                    return identity;
                }
            }
        }
        return null;
    }

    private static ApiError Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    private static bool IsResourcePath(string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (segments.Length >= 3 && segments[0] == "api") || (segments.Length >= 4 && segments[0] == "apis");
    }

    private void Authorize(Identity identity, Target target, string verb)
    {
        var attributes = new Rbac.Attributes(verb, target.Group, target.Type.Plural, target.Subresource, target.Namespace, target.Name);
        if (!Rbac.Allows(_store, identity, attributes))
        {
            throw new ApiError(403, "Forbidden", Rbac.ForbiddenMessage(target.Type, identity, attributes), ApiError.DetailsOf(target.Type, target.Name));
        }
    }

    private static ApiError NoSuchResource() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    private Target Resolve(string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group, version;
        ArraySegment<string> rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], segments[2..]);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        }
        else
        {
            throw NoSuchResource();
        }
        bool watchPrefix = false;
        if (rest.Count > 1 && rest[0] == "watch")
        {
            watchPrefix = true;
            rest = rest[1..];
        }
        string? ns = null;
        if (rest.Count >= 3 && rest[0] == "namespaces" && _table.Find(group, version, rest[2]) is { Namespaced: true })
        {
            ns = rest[1];
            rest = rest[2..];
        }
        ResourceType type = _table.Find(group, version, rest[0]) ?? throw NoSuchResource();
        if (rest.Count > 3 || (type.Namespaced && ns is null && rest.Count > 1) || (!type.Namespaced && ns is not null))
        {
            throw NoSuchResource();
        }
        string? name = rest.Count > 1 ? rest[1] : null;
        string? subresource = rest.Count > 2 ? rest[2] : null;
        if (subresource is not null && !(subresource == "status" && type.HasStatus))
        {
            throw NoSuchResource();
        }
        return new Target(group, version, type, ns, name, subresource, watchPrefix);
    }

    private static string VerbOf(HttpRequest request, Target target)
    {
        bool watch = target.WatchPrefix || request.Query["watch"].FirstOrDefault() is "true" or "1";
        return (request.Method, target.Name) switch
        {
            ("GET", null) => watch ? "watch" : "list",
            ("GET", _) => watch ? "watch" : "get",
            ("POST", null) => "create",
            ("PUT", not null) => "update",
            ("PATCH", not null) => "patch",
            ("DELETE", null) => "deletecollection",
            ("DELETE", _) => "delete",
            _ => throw new ApiError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource"),
        };
    }

    private static string PatchTypeOf(string? contentType, ResourceType type)
    {
        string media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "application/apply-patch+yaml" or "application/apply-patch+json" => "apply",
            "application/merge-patch+json" => "merge",
            "application/json-patch+json" => "json",
            "application/strategic-merge-patch+json" when type.BuiltIn => "strategic",
            _ => throw new ApiError(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml{(type.BuiltIn ? ", application/strategic-merge-patch+json" : "")}"),
        };
    }

    private static JsonNode? ParseBody(string text, bool yaml)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return yaml ? YamlBody.Parse(text) : JsonNode.Parse(text);
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            throw ApiError.BadRequest($"the object provided is unrecognized or malformed: {e.Message}");
        }
    }

    private static string ManagerOf(HttpRequest request)
    {
        if (request.Query["fieldManager"].FirstOrDefault() is { Length: > 0 } manager)
        {
            return manager;
        }
        string agent = request.Headers.UserAgent.FirstOrDefault() ?? "unknown";
        return agent.Split('/')[0].Trim() is { Length: > 0 } prefix ? prefix : "unknown";
    }

    private (int Code, JsonObject Body) Execute(HttpRequest request, Target target, string verb, JsonNode? body, string? patchType, Identity identity)
    {
        IQueryCollection query = request.Query;
        bool dryRun = query["dryRun"].FirstOrDefault() == "All";
        ResourceType type = target.Type;
        switch (verb)
        {
            case "get":
                return (200, _store.Get(type, target.Namespace, target.Name!));
            case "list":
                return (200, ListResponse(target, query));
            case "create":
                return (201, _store.Create(type, target.Namespace, RequireObject(body), ManagerOf(request), dryRun));
            case "update":
                return (200, _store.Update(type, target.Namespace, target.Name!, RequireObject(body), target.Subresource, ManagerOf(request), dryRun));
            case "patch" when patchType == "apply":
            {
                string manager = query["fieldManager"].FirstOrDefault() ?? "";
                if (manager.Length == 0)
                {
                    throw ApiError.BadRequest("PATCH " + request.Path + ": fieldManager is required for apply patch");
                }
                bool force = query["force"].FirstOrDefault() is "true" or "1";
                (JsonObject result, bool created) = _store.Apply(type, target.Namespace, target.Name!, RequireObject(body), manager, force, target.Subresource, dryRun);
                return (created ? 201 : 200, result);
            }
            case "patch":
            {
                string manager = ManagerOf(request);
                Func<JsonObject, JsonObject> change = patchType switch
                {
                    "merge" => current => Patches.MergePatch(current, RequireObject(body)) as JsonObject ?? throw ApiError.BadRequest("a merge patch must be an object"),
                    "strategic" => current => Patches.StrategicMergePatch(current, RequireObject(body)) as JsonObject ?? throw ApiError.BadRequest("a strategic merge patch must be an object"),
                    _ => current => Patches.JsonPatch(current, body as JsonArray ?? throw ApiError.BadRequest("a JSON patch must be an array")) as JsonObject
                                    ?? throw ApiError.BadRequest("a JSON patch must leave an object"),
                };
                return (200, _store.Patch(type, target.Namespace, target.Name!, target.Subresource, change, manager, dryRun));
            }
            case "delete":
            {
                JsonObject options = body as JsonObject ?? [];
                if (query["propagationPolicy"].FirstOrDefault() is string policy)
                {
                    options["propagationPolicy"] = policy;
                }
                JsonObject deleted = _store.Delete(type, target.Namespace, target.Name!, options);
                if (_store.Peek(type.Group, type.Plural, target.Namespace, target.Name!) is not null)
                {
                    // Held by finalizers: accepted, not yet done.
                    return (202, deleted);
                }
                return (200, type.BuiltIn ? Success(type, deleted) : deleted);
            }
            case "deletecollection":
            {
                Func<JsonObject, bool> match = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
                foreach (JsonObject obj in _store.List(type, target.Namespace, match).Items)
                {
                    var name = (string)obj["metadata"]!["name"]!;
                    if (Rbac.Allows(_store, identity, new Rbac.Attributes("delete", target.Group, type.Plural, null, target.Namespace, name)))
                    {
                        _store.Delete(type, (string?)obj["metadata"]!["namespace"], name, body as JsonObject);
                    }
                }
                return (200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" });
            }
            default:
                throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
    }

    private static JsonObject Success(ResourceType type, JsonObject deleted)
    {
        JsonObject details = ApiError.DetailsOf(type, (string?)deleted["metadata"]?["name"]);
        details["uid"] = deleted["metadata"]?["uid"]?.DeepClone();
        return new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = details };
    }

    private static JsonObject RequireObject(JsonNode? body) =>
        body as JsonObject ?? throw ApiError.BadRequest("the object provided is unrecognized or malformed: expected an object");

    private JsonObject ListResponse(Target target, IQueryCollection query)
    {
        Func<JsonObject, bool> match = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
        (long rv, List<JsonObject> items) = _store.List(target.Type, target.Namespace, match);
        string? continueToken = query["continue"].FirstOrDefault();
        if (!string.IsNullOrEmpty(continueToken))
        {
            string after = Encoding.UTF8.GetString(Convert.FromBase64String(continueToken));
            items = items.Where(i => string.CompareOrdinal(SortKey(i), after) > 0).ToList();
        }
        var metadata = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (int.TryParse(query["limit"].FirstOrDefault(), out int limit) && limit > 0 && items.Count > limit)
        {
            metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(SortKey(items[limit - 1])));
            metadata["remainingItemCount"] = items.Count - limit;
            items = items.Take(limit).ToList();
        }
        var array = new JsonArray();
        foreach (JsonObject item in items)
        {
            if (target.Type.BuiltIn)
            {
                // Lists of built-in kinds carry apiVersion and kind only on the list.
                item.Remove("apiVersion");
                item.Remove("kind");
            }
            array.Add(item);
        }
        return new JsonObject
        {
            ["kind"] = target.Type.ListKind,
            ["apiVersion"] = target.Type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = array,
        };
    }

    private static string SortKey(JsonObject obj) => $"{(string?)obj["metadata"]?["namespace"]}/{(string?)obj["metadata"]?["name"]}";

    private async Task WatchAsync(HttpContext context, Target target)
    {
        IQueryCollection query = context.Request.Query;
        Func<JsonObject, bool> match = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
        if (target.Name is string name)
        {
            Func<JsonObject, bool> selected = match;
            match = o => (string?)o["metadata"]?["name"] == name && selected(o);
        }
        HttpResponse response = context.Response;
        ObjectStore.Watch watch;
        try
        {
            watch = _store.OpenWatch(target.Type, target.Namespace, match, query["resourceVersion"].FirstOrDefault(),
                query["allowWatchBookmarks"].FirstOrDefault() is "true" or "1");
        }
        catch (ObjectStore.ExpiredException expired)
        {
            // As the real server does: the watch is answered 200, with a single ERROR event.
            response.StatusCode = 200;
            response.ContentType = "application/json";
            var error = new JsonObject { ["type"] = "ERROR", ["object"] = ApiError.Status(410, "Expired", expired.Message, null) };
            await response.WriteAsync(JsonText.Write(error) + "\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        TimeSpan? lifetime = _options.WatchLifetime;
        if (int.TryParse(query["timeoutSeconds"].FirstOrDefault(), out int seconds) && seconds > 0
            && (lifetime is null || TimeSpan.FromSeconds(seconds) < lifetime))
        {
            lifetime = TimeSpan.FromSeconds(seconds);
        }
        if (lifetime is TimeSpan limit)
        {
            timeout.CancelAfter(limit);
        }
        try
        {
            response.StatusCode = 200;
            response.ContentType = "application/json";
            await response.StartAsync(timeout.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(timeout.Token).ConfigureAwait(false);
            await foreach (JsonObject item in watch.Events.Reader.ReadAllAsync(timeout.Token).ConfigureAwait(false))
            {
                await response.WriteAsync(JsonText.Write(item) + "\n", timeout.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            if (watch.Aborted)
            {
                context.Abort();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Timed out, or the client went away.
        }
        finally
        {
            _store.CloseWatch(watch);
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonText.Write(body), context.RequestAborted).ConfigureAwait(false);
    }

    // ---- discovery and other non-resource paths ----

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
