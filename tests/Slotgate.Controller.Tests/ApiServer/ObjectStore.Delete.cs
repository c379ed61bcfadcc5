using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>Deletion: preconditions, finalizers, Terminating namespaces, orphaning and the garbage collection of dependents.</summary>
internal sealed partial class ObjectStore
{
    /// <summary>
    /// Deletes an object, with its preconditions. An object with finalizers only gets its deletionTimestamp and goes
    /// when an update empties its finalizers. Once an object is gone, as the garbage collector's background deletion
    /// would, every dependent whose owners are all gone is deleted (orphan propagation strips the owner reference
    /// instead). Deleting a namespace deletes its contents (the namespace stays Terminating while some of them wait for
    /// finalizers); deleting a CRD removes its objects and served versions.
    /// </summary>
    public JsonObject Delete(ResourceType type, string? ns, string name, JsonObject? options)
    {
        lock (_gate)
        {
            JsonObject old = Bucket(StorageOf(type)).GetValueOrDefault(KeyOf(ns, name)) ?? throw ApiError.NotFound(type, name);
            string? uid = (string?)options?["preconditions"]?["uid"];
            string? rv = (string?)options?["preconditions"]?["resourceVersion"];
            if (uid is not null && uid != (string?)old["metadata"]!["uid"])
            {
                throw new ApiError(409, "Conflict",
                    $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {(string?)old["metadata"]!["uid"]}",
                    ApiError.DetailsOf(type, name));
            }
            if (rv is not null && rv != (string?)old["metadata"]!["resourceVersion"])
            {
                throw new ApiError(409, "Conflict",
                    $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {(string?)old["metadata"]!["resourceVersion"]}",
                    ApiError.DetailsOf(type, name));
            }
            bool orphan = (string?)options?["propagationPolicy"] == "Orphan" || options?["orphanDependents"]?.GetValue<bool>() == true;
            if (type is { Group: "apiextensions.k8s.io", Plural: "customresourcedefinitions" })
            {
                string storage = StorageOf((string)old["spec"]!["group"]!, (string)old["spec"]!["names"]!["plural"]!);
                foreach (JsonObject obj in Bucket(storage).Values.ToList())
                {
                    Remove(storage, NamespaceOf(obj), NameOf(obj));
                }
                table.Uninstall(old);
            }
            return Present(type, DeleteLocked(StorageOf(type), ns, name, orphan));
        }
    }

    private static bool HasFinalizers(JsonObject obj) => obj["metadata"]?["finalizers"] is JsonArray { Count: > 0 };

    private static bool IsDeleting(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;

    private const string NamespaceStorage = "/namespaces";

    /// <summary>Deletes or, when finalizers hold it, marks an object; returns what the delete answers with.</summary>
    private JsonObject DeleteLocked(string storage, string? ns, string name, bool orphan)
    {
        JsonObject old = Bucket(storage)[KeyOf(ns, name)];
        if (orphan)
        {
            Orphan((string)old["metadata"]!["uid"]!);
        }
        bool holdNamespace = false;
        if (storage == NamespaceStorage)
        {
            foreach ((string contentStorage, SortedDictionary<string, JsonObject> bucket) in _objects.ToList())
            {
                foreach (JsonObject obj in bucket.Values.Where(o => NamespaceOf(o) == name).ToList())
                {
                    if (bucket.ContainsKey(KeyOf(name, NameOf(obj))))
                    {
                        DeleteLocked(contentStorage, name, NameOf(obj), false);
                    }
                }
            }
            holdNamespace = _objects.Any(b => b.Key != NamespaceStorage && b.Value.Values.Any(o => NamespaceOf(o) == name));
        }
        if (holdNamespace || HasFinalizers(old))
        {
            if (IsDeleting(old))
            {
                return old;
            }
            JsonObject marked = old.DeepClone().AsObject();
            marked["metadata"]!["deletionTimestamp"] = Now();
            marked["metadata"]!["deletionGracePeriodSeconds"] = 0;
            if (storage == NamespaceStorage)
            {
                marked["status"] = new JsonObject { ["phase"] = "Terminating" };
            }
            marked["metadata"]!["resourceVersion"] = Next();
            Bucket(storage)[KeyOf(ns, name)] = marked;
            Publish(storage, "MODIFIED", marked, old);
            return marked;
        }
        return RemoveAndCollect(storage, ns, name);
    }

    private JsonObject RemoveAndCollect(string storage, string? ns, string name)
    {
        JsonObject deleted = Remove(storage, ns, name);
        CollectGarbage((string)deleted["metadata"]!["uid"]!);
        // A Terminating namespace goes with its last object.
        if (ns is not null && Bucket(NamespaceStorage).GetValueOrDefault(KeyOf(null, ns)) is JsonObject namespaceObject
            && IsDeleting(namespaceObject) && !HasFinalizers(namespaceObject)
            && !_objects.Any(b => b.Key != NamespaceStorage && b.Value.Values.Any(o => NamespaceOf(o) == ns)))
        {
            RemoveAndCollect(NamespaceStorage, null, ns);
        }
        return deleted;
    }

    private JsonObject Remove(string storage, string? ns, string name)
    {
        SortedDictionary<string, JsonObject> bucket = Bucket(storage);
        JsonObject old = bucket[KeyOf(ns, name)];
        bucket.Remove(KeyOf(ns, name));
        JsonObject deleted = old.DeepClone().AsObject();
        deleted["metadata"]!["resourceVersion"] = Next();
        Publish(storage, "DELETED", deleted, old);
        return deleted;
    }

    /// <summary>Strips the owner reference to <paramref name="ownerUid"/> from every dependent.</summary>
    private void Orphan(string ownerUid)
    {
        foreach ((string storage, SortedDictionary<string, JsonObject> bucket) in _objects.ToList())
        {
            foreach (JsonObject dependent in bucket.Values.Where(d => OwnedBy(d, ownerUid)).ToList())
            {
                JsonObject updated = dependent.DeepClone().AsObject();
                var refs = (JsonArray)updated["metadata"]!["ownerReferences"]!;
                foreach (JsonNode? owner in refs.Where(o => (string?)o?["uid"] == ownerUid).ToList())
                {
                    refs.Remove(owner);
                }
                if (refs.Count == 0)
                {
                    ((JsonObject)updated["metadata"]!).Remove("ownerReferences");
                }
                updated["metadata"]!["resourceVersion"] = Next();
                bucket[KeyOf(NamespaceOf(dependent), NameOf(dependent))] = updated;
                Publish(storage, "MODIFIED", updated, dependent);
            }
        }
    }

    private static bool OwnedBy(JsonObject obj, string ownerUid) =>
        obj["metadata"]?["ownerReferences"] is JsonArray owners && owners.Any(o => (string?)o?["uid"] == ownerUid);

    private void CollectGarbage(string ownerUid)
    {
        var live = new HashSet<string>(_objects.Values.SelectMany(b => b.Values).Select(o => (string)o["metadata"]!["uid"]!), StringComparer.Ordinal);
        foreach ((string storage, SortedDictionary<string, JsonObject> bucket) in _objects.ToList())
        {
            foreach (JsonObject dependent in bucket.Values.Where(d => OwnedBy(d, ownerUid)).ToList())
            {
                string key = KeyOf(NamespaceOf(dependent), NameOf(dependent));
                if (bucket.TryGetValue(key, out JsonObject? current) && !IsDeleting(current)
                    && !((JsonArray)current["metadata"]!["ownerReferences"]!).Any(o => (string?)o?["uid"] is string uid && live.Contains(uid)))
                {
                    DeleteLocked(storage, NamespaceOf(current), NameOf(current), false);
                }
            }
        }
    }
}
