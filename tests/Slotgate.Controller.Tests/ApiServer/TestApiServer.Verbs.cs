using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>The verbs on a resource: get, list (with selectors and paging), create, update, the patches, and deletes.</summary>
public sealed partial class TestApiServer
{
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
}
