using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// The objects, the one resourceVersion counter, the event history watches replay from, and the open watches. Every
/// write goes through here under one lock, so resourceVersions and watch events are totally ordered as etcd orders
/// them. Stored objects are never mutated: a write stores a new instance, so readers may hold references.
/// </summary>
internal sealed class ObjectStore(ResourceTable table, Func<JsonObject, JsonObject?, IReadOnlyList<string>>? validate)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = new(StringComparer.Ordinal);
    private readonly List<StoredEvent> _history = [];
    private readonly List<Watch> _watches = [];
    private long _resourceVersion = 1;
    private long _compactedThrough;
    private int _serviceAddresses = 9;

    private sealed record StoredEvent(long ResourceVersion, string Storage, string Type, JsonObject Object, JsonObject? Old);

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    private static string StorageOf(string group, string plural) =>
        EventConversion.Applies(group, plural) ? "/events" : $"{group}/{plural}";

    private static string StorageOf(ResourceType type) => StorageOf(type.Group, type.Plural);

    private static string KeyOf(string? ns, string name) => $"{ns}/{name}";

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private SortedDictionary<string, JsonObject> Bucket(string storage)
    {
        if (!_objects.TryGetValue(storage, out SortedDictionary<string, JsonObject>? bucket))
        {
            bucket = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[storage] = bucket;
        }
        return bucket;
    }

    /// <summary>The stored objects of a resource (all namespaces when <paramref name="ns"/> is null), not to be mutated.</summary>
    public IReadOnlyList<JsonObject> Snapshot(string group, string plural, string? ns)
    {
        lock (_gate)
        {
            return [.. Bucket(StorageOf(group, plural)).Values.Where(o => ns is null || NamespaceOf(o) == ns)];
        }
    }

    public JsonObject? Peek(string group, string plural, string? ns, string name)
    {
        lock (_gate)
        {
            return Bucket(StorageOf(group, plural)).GetValueOrDefault(KeyOf(ns, name));
        }
    }

    public bool NamespaceExists(string ns) => Peek("", "namespaces", null, ns) is not null;

    private static string? NamespaceOf(JsonObject obj) => (string?)obj["metadata"]?["namespace"];

    private static string NameOf(JsonObject obj) => (string)obj["metadata"]!["name"]!;

    /// <summary>A copy of a stored object as <paramref name="type"/>'s version presents it.</summary>
    public static JsonObject Present(ResourceType type, JsonObject stored)
    {
        JsonObject copy = EventConversion.Applies(type) ? EventConversion.ToEvents(stored) : stored.DeepClone().AsObject();
        copy["apiVersion"] = type.ApiVersion;
        copy["kind"] = type.Kind;
        // Keep apiVersion and kind first, as the API server writes them.
        var ordered = new JsonObject { ["apiVersion"] = type.ApiVersion, ["kind"] = type.Kind };
        foreach ((string name, JsonNode? value) in copy.ToList())
        {
            if (name is not ("apiVersion" or "kind"))
            {
                copy.Remove(name);
                ordered[name] = value;
            }
        }
        return ordered;
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            JsonObject stored = Bucket(StorageOf(type)).GetValueOrDefault(KeyOf(ns, name)) ?? throw ApiError.NotFound(type, name);
            return Present(type, stored);
        }
    }

    public (long ResourceVersion, List<JsonObject> Items) List(ResourceType type, string? ns, Func<JsonObject, bool> match)
    {
        lock (_gate)
        {
            var items = Bucket(StorageOf(type)).Values
                .Where(o => (ns is null || NamespaceOf(o) == ns) && match(o))
                .Select(o => Present(type, o))
                .ToList();
            return (_resourceVersion, items);
        }
    }

    // ---- writes ----

    private void CheckIdentity(ResourceType type, JsonObject body, string? ns, string? urlName)
    {
        string? apiVersion = (string?)body["apiVersion"];
        string? kind = (string?)body["kind"];
        if ((apiVersion is not null && apiVersion != type.ApiVersion) || (kind is not null && kind != type.Kind))
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})"
                                      + (kind is not null && kind != type.Kind ? $", or the kind ({kind}) is not {type.Kind}" : ""));
        }
        body["apiVersion"] = type.ApiVersion;
        body["kind"] = type.Kind;
        if (body["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            body["metadata"] = metadata;
        }
        string? bodyNamespace = (string?)metadata["namespace"];
        if (type.Namespaced)
        {
            if (bodyNamespace is not null && bodyNamespace.Length > 0 && bodyNamespace != ns)
            {
                throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
            metadata["namespace"] = ns;
        }
        else
        {
            metadata.Remove("namespace");
        }
        string? bodyName = (string?)metadata["name"];
        if (urlName is not null && bodyName is not null && bodyName != urlName)
        {
            throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({urlName})");
        }
        if (urlName is not null)
        {
            metadata["name"] = urlName;
        }
    }

    /// <summary>Creates an object (POST): fills the server-owned metadata and records <paramref name="manager"/>'s fields.</summary>
    public JsonObject Create(ResourceType type, string? ns, JsonObject body, string manager, bool dryRun = false)
    {
        lock (_gate)
        {
            JsonObject obj = body.DeepClone().AsObject();
            CheckIdentity(type, obj, ns, null);
            var metadata = (JsonObject)obj["metadata"]!;
            if ((string?)metadata["name"] is not { Length: > 0 } && (string?)metadata["generateName"] is string prefix)
            {
                metadata["name"] = prefix + Guid.NewGuid().ToString("N")[..5];
            }
            if ((string?)metadata["name"] is not { Length: > 0 })
            {
                throw new ApiError(422, "Invalid", $"{type.GroupKind} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                    new JsonObject { ["kind"] = type.Kind, ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueRequired", ["message"] = "Required value: name or generateName is required", ["field"] = "metadata.name" }) });
            }
            metadata.Remove("managedFields");
            ManagedFields.RecordUpdate(null, obj, manager, null, type.ApiVersion, Now());
            return CreateLocked(type, ns, Stored(type, obj), dryRun);
        }
    }

    /// <summary>An object in the shape it is stored in (events.k8s.io Events as core Events).</summary>
    private static JsonObject Stored(ResourceType type, JsonObject obj) => EventConversion.Applies(type) ? EventConversion.ToCore(obj) : obj;

    private JsonObject CreateLocked(ResourceType type, string? ns, JsonObject obj, bool dryRun)
    {
        string name = NameOf(obj);
        if (type.Namespaced && !NamespaceExists(ns!))
        {
            throw ApiError.NamespaceNotFound(ns!);
        }
        if (type.Namespaced && IsDeleting(Peek("", "namespaces", null, ns!)!))
        {
            throw new ApiError(403, "Forbidden",
                $"{type.GroupResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                ApiError.DetailsOf(type, name));
        }
        SortedDictionary<string, JsonObject> bucket = Bucket(StorageOf(type));
        if (bucket.ContainsKey(KeyOf(ns, name)))
        {
            throw ApiError.AlreadyExists(type, name);
        }
        var metadata = (JsonObject)obj["metadata"]!;
        foreach (string field in new[] { "uid", "resourceVersion", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink" })
        {
            metadata.Remove(field);
        }
        if (type.HasStatus)
        {
            obj.Remove("status");
        }
        if (type is { Group: "", Plural: "namespaces" })
        {
            obj["status"] = new JsonObject { ["phase"] = "Active" };
        }
        BuiltInDefaults.Apply(type, obj);
        DropEmpty(metadata);
        if (type is { Group: "", Plural: "services" })
        {
            AllocateClusterIp(obj);
        }
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Now();
        if (type.TracksGeneration)
        {
            metadata["generation"] = 1;
        }
        Validate(type, obj, null);
        if (type is { Group: "apiextensions.k8s.io", Plural: "customresourcedefinitions" })
        {
            EstablishCrd(obj);
        }
        if (dryRun)
        {
            return Present(type, obj);
        }
        if (type is { Group: "apiextensions.k8s.io", Plural: "customresourcedefinitions" })
        {
            table.Install(obj);
        }
        metadata["resourceVersion"] = Next();
        bucket[KeyOf(ns, name)] = obj;
        Publish(StorageOf(type), "ADDED", obj, null);
        return Present(type, obj);
    }

    private static void EstablishCrd(JsonObject crd)
    {
        string now = Now();
        crd["status"] = new JsonObject
        {
            ["acceptedNames"] = crd["spec"]?["names"]?.DeepClone(),
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["reason"] = "NoConflicts", ["message"] = "no conflicts found", ["lastTransitionTime"] = now },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted", ["lastTransitionTime"] = now }),
            ["storedVersions"] = new JsonArray((crd["spec"]?["versions"] as JsonArray ?? [])
                .Where(v => v?["storage"]?.GetValue<bool>() == true).Select(v => (JsonNode?)(string?)v!["name"]).ToArray()),
        };
    }

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

    /// <summary>
    /// What the API server itself does for a Service (not a controller): a ClusterIP allocated on create from the
    /// service range (10.96.0.0/12), kept on updates that leave it out; the single-stack IPv4 fields that go with it.
    /// </summary>
    private void AllocateClusterIp(JsonObject service)
    {
        if (service["spec"] is not JsonObject spec)
        {
            return;
        }
        spec["type"] ??= "ClusterIP";
        if ((string?)spec["type"] == "ExternalName" || ((string?)spec["clusterIP"] is { Length: > 0 } ip && ip != "None" && spec["clusterIPs"] is not null))
        {
            return;
        }
        if ((string?)spec["clusterIP"] is not { Length: > 0 })
        {
            _serviceAddresses++;
            spec["clusterIP"] = $"10.96.{_serviceAddresses / 256}.{_serviceAddresses % 256}";
        }
        spec["clusterIPs"] = new JsonArray((JsonNode?)(string?)spec["clusterIP"]);
        spec["ipFamilies"] ??= new JsonArray("IPv4");
        spec["ipFamilyPolicy"] ??= "SingleStack";
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

    private static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (string name in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    o.Remove(name);
                }
                foreach ((_, JsonNode? value) in o)
                {
                    RemoveNulls(value);
                }
                break;
            case JsonArray a:
                foreach (JsonNode? item in a)
                {
                    RemoveNulls(item);
                }
                break;
        }
    }

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

    /// <summary>Empty labels, annotations, finalizers and owner references are not kept, as the API server omits them.</summary>
    private static void DropEmpty(JsonObject metadata)
    {
        foreach (string field in new[] { "labels", "annotations", "finalizers", "ownerReferences" })
        {
            if (metadata[field] is JsonObject { Count: 0 } or JsonArray { Count: 0 })
            {
                metadata.Remove(field);
            }
        }
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

    private void Validate(ResourceType type, JsonObject obj, JsonObject? old)
    {
        List<string> errors = BuiltInValidation.Errors(type, obj, old);
        if (validate is not null)
        {
            errors.AddRange(validate(Present(type, obj), old is null ? null : Present(type, old)));
        }
        if (errors.Count > 0)
        {
            throw ApiError.Invalid(type, NameOf(obj), errors);
        }
    }

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

    private string Next() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    // ---- watches ----

    /// <summary>An open watch: the events it should send, already shaped as watch lines' objects.</summary>
    internal sealed class Watch(ResourceType type, string? ns, Func<JsonObject, bool> match, bool bookmarks)
    {
        public bool Bookmarks => bookmarks;

        public Channel<JsonObject> Events { get; } = Channel.CreateUnbounded<JsonObject>(new UnboundedChannelOptions { SingleReader = true });

        public bool Aborted { get; set; }

        public ResourceType Type => type;

        public void Offer(string type2, JsonObject obj, JsonObject? old)
        {
            if (ns is not null && NamespaceOf(obj) != ns)
            {
                return;
            }
            bool now = match(obj);
            bool before = old is not null && match(old);
            string? eventType = type2 switch
            {
                "ADDED" => now ? "ADDED" : null,
                "DELETED" => before || now ? "DELETED" : null,
                _ => (before, now) switch
                {
                    (true, true) => "MODIFIED",
                    (false, true) => "ADDED",
                    (true, false) => "DELETED",
                    _ => null,
                },
            };
            if (eventType is not null)
            {
                Events.Writer.TryWrite(new JsonObject { ["type"] = eventType, ["object"] = Present(type, obj) });
            }
        }
    }

    /// <summary>Thrown by <see cref="OpenWatch"/> when the resourceVersion is older than the retained history.</summary>
    internal sealed class ExpiredException(string message) : Exception(message);

    public Watch OpenWatch(ResourceType type, string? ns, Func<JsonObject, bool> match, string? resourceVersion, bool bookmarks = false)
    {
        lock (_gate)
        {
            var watch = new Watch(type, ns, match, bookmarks);
            string storage = StorageOf(type);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (JsonObject obj in Bucket(storage).Values)
                {
                    watch.Offer("ADDED", obj, null);
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.Integer, CultureInfo.InvariantCulture, out long from))
                {
                    throw ApiError.BadRequest($"invalid resource version: {resourceVersion}");
                }
                if (from < _compactedThrough)
                {
                    throw new ExpiredException($"too old resource version: {from} ({_compactedThrough})");
                }
                foreach (StoredEvent stored in _history.Where(e => e.ResourceVersion > from && e.Storage == storage))
                {
                    watch.Offer(stored.Type, stored.Object, stored.Old);
                }
            }
            _watches.Add(watch);
            return watch;
        }
    }

    public void CloseWatch(Watch watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
        }
        watch.Events.Writer.TryComplete();
    }

    private void Publish(string storage, string type, JsonObject obj, JsonObject? old)
    {
        long rv = long.Parse((string)obj["metadata"]!["resourceVersion"]!, CultureInfo.InvariantCulture);
        _history.Add(new StoredEvent(rv, storage, type, obj, old));
        foreach (Watch watch in _watches.Where(w => StorageOf(w.Type) == storage))
        {
            watch.Offer(type, obj, old);
        }
    }

    /// <summary>Forgets the event history up to now: a watch from any earlier resourceVersion gets 410 Expired.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedThrough = _resourceVersion;
            _history.Clear();
        }
    }

    /// <summary>
    /// Forgets the history (as <see cref="Compact"/>) and ends every open watch with an ERROR event (410 Expired), as
    /// the API server does when a watcher falls too far behind: the client has to list again.
    /// </summary>
    public int ExpireWatches()
    {
        List<Watch> watches;
        lock (_gate)
        {
            _compactedThrough = _resourceVersion;
            _history.Clear();
            watches = [.. _watches];
            _watches.Clear();
        }
        foreach (Watch watch in watches)
        {
            watch.Events.Writer.TryWrite(new JsonObject
            {
                ["type"] = "ERROR",
                ["object"] = ApiError.Status(410, "Expired", "The resourceVersion for the provided watch is too old.", null),
            });
            watch.Events.Writer.TryComplete();
        }
        return watches.Count;
    }

    /// <summary>Sends a BOOKMARK event with the current resourceVersion to every watch that allows bookmarks.</summary>
    public int SendBookmarks()
    {
        lock (_gate)
        {
            string rv = _resourceVersion.ToString(CultureInfo.InvariantCulture);
            int sent = 0;
            foreach (Watch watch in _watches.Where(w => w.Bookmarks))
            {
                var bookmark = new JsonObject
                {
                    ["type"] = "BOOKMARK",
                    ["object"] = new JsonObject
                    {
                        ["kind"] = watch.Type.Kind,
                        ["apiVersion"] = watch.Type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = rv },
                    },
                };
                if (watch.Events.Writer.TryWrite(bookmark))
                {
                    sent++;
                }
            }
            return sent;
        }
    }

    /// <summary>Ends every open watch stream (cleanly, or by aborting the connection).</summary>
    public int DropWatches(bool abort)
    {
        List<Watch> watches;
        lock (_gate)
        {
            watches = [.. _watches];
            _watches.Clear();
        }
        foreach (Watch watch in watches)
        {
            watch.Aborted = abort;
            watch.Events.Writer.TryComplete();
        }
        return watches.Count;
    }

    public int OpenWatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }
}
