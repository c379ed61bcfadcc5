using System.Globalization;
using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>Updates, patches and server-side apply, and the commit that decides what a write changes.</summary>
internal sealed partial class ObjectStore
{
    /// <summary>Replaces an object (PUT) or its status (PUT .../status), with the optimistic-concurrency check.</summary>
    public JsonObject Update(ResourceType type, string? ns, string name, JsonObject body, string? subresource, string manager, bool dryRun = false)
    {
        lock (_gate)
        {
            JsonObject proposed = body.DeepClone().AsObject();
            CheckIdentity(type, proposed, ns, name);
            JsonObject old = Bucket(StorageOf(type)).GetValueOrDefault(KeyOf(ns, name)) ?? throw ApiError.NotFound(type, name);
            if (!type.BuiltIn || type is { Group: "apiextensions.k8s.io" })
            {
                // Custom resources and CRDs do not allow unconditional updates (patches and applies are fine).
                if (string.IsNullOrEmpty((string?)proposed["metadata"]?["resourceVersion"]))
                {
                    JsonObject details = ApiError.DetailsOf(type, name);
                    details["causes"] = new JsonArray(new JsonObject
                    {
                        ["reason"] = "FieldValueInvalid",
                        ["message"] = "Invalid value: 0x0: must be specified for an update",
                        ["field"] = "metadata.resourceVersion",
                    });
                    throw new ApiError(422, "Invalid",
                        $"{type.GroupResource} \"{name}\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", details);
                }
            }
            CheckResourceVersion(type, name, old, proposed);
            return Commit(type, ns, old, Stored(type, proposed), subresource, manager, dryRun);
        }
    }

    private static void KeepClusterIp(JsonObject old, JsonObject updated)
    {
        if (old["spec"] is not JsonObject oldSpec || updated["spec"] is not JsonObject spec || (string?)spec["clusterIP"] is { Length: > 0 })
        {
            return;
        }
        foreach (string field in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy" })
        {
            if (oldSpec[field] is JsonNode value && spec[field] is null)
            {
                spec[field] = value.DeepClone();
            }
        }
    }

    /// <summary>Reads, changes and writes an object in one step (the patch formats other than apply).</summary>
    public JsonObject Patch(ResourceType type, string? ns, string name, string? subresource, Func<JsonObject, JsonObject> patch, string manager, bool dryRun = false)
    {
        lock (_gate)
        {
            JsonObject old = Bucket(StorageOf(type)).GetValueOrDefault(KeyOf(ns, name)) ?? throw ApiError.NotFound(type, name);
            JsonObject proposed = patch(Present(type, old));
            CheckIdentity(type, proposed, ns, name);
            CheckResourceVersion(type, name, old, proposed);
            return Commit(type, ns, old, Stored(type, proposed), subresource, manager, dryRun);
        }
    }

    /// <summary>Server-side apply: creates the object if absent. Returns whether it was created.</summary>
    public (JsonObject Object, bool Created) Apply(
        ResourceType type, string? ns, string name, JsonObject applied, string manager, bool force, string? subresource, bool dryRun = false)
    {
        lock (_gate)
        {
            JsonObject config = applied.DeepClone().AsObject();
            // A null in an apply configuration sets nothing: the field is not owned (and goes if this manager owned it).
            RemoveNulls(config);
            if ((string?)config["apiVersion"] is null || (string?)config["kind"] is null)
            {
                throw ApiError.BadRequest("apiVersion and kind must be set in an apply configuration");
            }
            CheckIdentity(type, config, ns, name);
            JsonObject? live = Bucket(StorageOf(type)).GetValueOrDefault(KeyOf(ns, name));
            if (live is null && subresource is not null)
            {
                throw ApiError.NotFound(type, name);
            }
            if (live is not null)
            {
                CheckResourceVersion(type, name, live, config);
            }
            JsonObject result = ManagedFields.Apply(live is null ? null : Present(type, live), config, type, manager, force, subresource, Now());
            if (live is null)
            {
                return (CreateLocked(type, ns, Stored(type, result), dryRun), true);
            }
            return (Commit(type, ns, live, Stored(type, result), subresource, null, dryRun), false);
        }
    }

    private static void RemoveNulls(JsonNode? node) => JsonTree.ForEachObject(node, static o =>
    {
        foreach (string name in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            o.Remove(name);
        }
    });

    private static void CheckResourceVersion(ResourceType type, string name, JsonObject old, JsonObject proposed)
    {
        string? wanted = (string?)proposed["metadata"]?["resourceVersion"];
        if (!string.IsNullOrEmpty(wanted) && wanted != (string?)old["metadata"]!["resourceVersion"])
        {
            throw ApiError.Conflict(type, name);
        }
    }

    /// <summary>
    /// Writes <paramref name="proposed"/> over <paramref name="old"/>: the main resource keeps the old status, the
    /// status subresource changes only status; server metadata is kept; generation moves when the spec does; a write
    /// that changes nothing is not stored and sends no event. <paramref name="manager"/> null: the proposed object
    /// already carries its managed fields (apply).
    /// </summary>
    private JsonObject Commit(ResourceType type, string? ns, JsonObject old, JsonObject proposed, string? subresource, string? manager, bool dryRun)
    {
        JsonObject result;
        if (subresource == "status")
        {
            result = old.DeepClone().AsObject();
            JsonNode? status = proposed["status"]?.DeepClone();
            if (status is null)
            {
                result.Remove("status");
            }
            else
            {
                result["status"] = status;
            }
        }
        else
        {
            result = proposed.DeepClone().AsObject();
            if (type.HasStatus)
            {
                if (old["status"] is JsonNode status)
                {
                    result["status"] = status.DeepClone();
                }
                else
                {
                    result.Remove("status");
                }
            }
        }
        result["apiVersion"] = type.ApiVersion;
        result["kind"] = type.Kind;
        BuiltInDefaults.Apply(type, result);
        if (type is { Group: "", Plural: "services" })
        {
            KeepClusterIp(old, result);
        }
        var metadata = (JsonObject)result["metadata"]!;
        DropEmpty(metadata);
        var oldMetadata = (JsonObject)old["metadata"]!;
        foreach (string field in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds" })
        {
            if (oldMetadata[field] is JsonNode value)
            {
                metadata[field] = value.DeepClone();
            }
            else
            {
                metadata.Remove(field);
            }
        }
        if (manager is null)
        {
            JsonNode? managed = proposed["metadata"]?["managedFields"]?.DeepClone();
            metadata.Remove("managedFields");
            if (managed is not null)
            {
                metadata["managedFields"] = managed;
            }
        }
        else
        {
            metadata.Remove("managedFields");
            if (oldMetadata["managedFields"] is JsonNode managed)
            {
                metadata["managedFields"] = managed.DeepClone();
            }
            ManagedFields.RecordUpdate(old, result, manager, subresource, type.ApiVersion, Now());
        }
        if (type.TracksGeneration && SpecChanged(type, old, result))
        {
            metadata["generation"] = (oldMetadata["generation"] is JsonNode generation ? long.Parse(generation.ToJsonString(), CultureInfo.InvariantCulture) : 0) + 1;
        }
        if (Unchanged(old, result))
        {
            return Present(type, old);
        }
        if (IsDeleting(old))
        {
            var before = new HashSet<string>((oldMetadata["finalizers"] as JsonArray ?? []).Select(f => (string?)f ?? ""), StringComparer.Ordinal);
            if ((metadata["finalizers"] as JsonArray ?? []).Any(f => !before.Contains((string?)f ?? "")))
            {
                throw ApiError.Invalid(type, NameOf(result), ["metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted"]);
            }
        }
        Validate(type, result, old);
        if (dryRun)
        {
            return Present(type, result);
        }
        metadata["resourceVersion"] = Next();
        Bucket(StorageOf(type))[KeyOf(ns, NameOf(result))] = result;
        if (type is { Group: "apiextensions.k8s.io", Plural: "customresourcedefinitions" })
        {
            // A changed CRD changes what is served (versions, scope, status subresource) at once.
            table.Uninstall(old);
            table.Install(result);
        }
        Publish(StorageOf(type), "MODIFIED", result, old);
        if (IsDeleting(result) && !HasFinalizers(result) && type is not { Group: "", Plural: "namespaces" })
        {
            // The last finalizer is gone: the deletion completes.
            RemoveAndCollect(StorageOf(type), ns, NameOf(result));
        }
        return Present(type, result);
    }

    private static bool SpecChanged(ResourceType type, JsonObject old, JsonObject updated)
    {
        static JsonObject Strip(JsonObject o, bool status)
        {
            JsonObject copy = o.DeepClone().AsObject();
            copy.Remove("metadata");
            copy.Remove("apiVersion");
            copy.Remove("kind");
            if (status)
            {
                copy.Remove("status");
            }
            return copy;
        }
        return !JsonNode.DeepEquals(Strip(old, type.HasStatus), Strip(updated, type.HasStatus));
    }

    private static bool Unchanged(JsonObject old, JsonObject updated)
    {
        static JsonObject Strip(JsonObject o)
        {
            JsonObject copy = o.DeepClone().AsObject();
            copy.Remove("apiVersion");
            if (copy["metadata"] is JsonObject metadata && metadata["managedFields"] is JsonArray managed)
            {
                foreach (JsonObject entry in managed.OfType<JsonObject>())
                {
                    entry.Remove("time");
                    entry.Remove("apiVersion");
                }
            }
            return copy;
        }
        return JsonNode.DeepEquals(Strip(old), Strip(updated));
    }
}
