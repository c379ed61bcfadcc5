using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>Creates: the identity checks every write shares, server-owned metadata, CRDs and Service addresses, validation.</summary>
internal sealed partial class ObjectStore
{
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
}
