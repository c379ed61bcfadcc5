using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// Validates a Kubernetes object as an API server of Kubernetes 1.26 with the Gateway API v1.4.1 (experimental
/// channel) CRDs installed would: Gateway API kinds against their CRD's structural schema, defaults and CEL rules;
/// core kinds against the Kubernetes OpenAPI schemas of kubernetes-models 4.1.0 (Kubernetes 1.25.2; see README.md);
/// metadata by the API server's own rules. Errors read like the API server's: <c>spec.listeners: Invalid value:
/// "array": &lt;rule message&gt;</c>, or server-side apply's <c>.spec.x: field not declared in schema</c>.
/// </summary>
public sealed class SchemaValidator
{
    private static readonly Lazy<SchemaValidator> LazyShared = new(() => new SchemaValidator());
    private readonly Lazy<CustomResourceSchemas> _customResources = new(CustomResourceSchemas.Load);
    private readonly Lazy<CoreSchemas> _core = new(CoreSchemas.Load);

    public static SchemaValidator Shared => LazyShared.Value;

    internal const string UndeclaredField = "field not declared in schema";

    /// <summary>Whether an object of this apiVersion and kind has a schema here (a served CRD version or a core kind).</summary>
    public bool Knows(string apiVersion, string kind) =>
        _customResources.Value.Find(apiVersion, kind) is not null || _core.Value.Find(apiVersion, kind) is not null;

    /// <summary>
    /// Every error the API server would report for <paramref name="obj"/> (empty when it would accept it). With
    /// <paramref name="oldObject"/> the request is an update: CEL transition rules (<c>oldSelf</c>) run too.
    /// </summary>
    public IReadOnlyList<string> Validate(JsonObject obj, JsonObject? oldObject = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var errors = new List<string>();
        string? apiVersion = (string?)(obj["apiVersion"] as JsonValue);
        string? kind = (string?)(obj["kind"] as JsonValue);
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            errors.Add(string.IsNullOrEmpty(apiVersion) ? "apiVersion: Required value" : "kind: Required value");
            return errors;
        }
        CoreSchemas core = _core.Value;
        if (_customResources.Value.Find(apiVersion, kind) is CustomResourceVersion crd)
        {
            JsonObject value = WithDefaults(obj, crd);
            JsonObject? old = oldObject is null ? null : WithDefaults(oldObject, crd);
            new SchemaWalker(SchemaDialect.CustomResource, Unresolvable)
                .Validate(value, crd.Schema, SchemaPath.Root, old is null ? OldValue.None : new OldValue(true, old), errors);
        }
        else if (core.Find(apiVersion, kind) is string definition)
        {
            new SchemaWalker(SchemaDialect.Core, core.Definition)
                .Validate(obj, core.Definition(definition), SchemaPath.Root, OldValue.None, errors);
            // An object that does not fit the schema fails to decode; the Go validation never sees it.
            if (errors.Count == 0)
            {
                CoreRules.Validate(apiVersion, kind, obj, errors);
            }
        }
        else
        {
            errors.Add($"no matches for kind \"{kind}\" in version \"{apiVersion}\"");
            return errors;
        }
        ValidateMetadata(kind, obj, customResource: _customResources.Value.Find(apiVersion, kind) is not null, core, errors);
        // Server-side apply converts the object to its schema's type before anything else: a field the schema does not
        // declare fails the request there, with only those errors.
        var undeclared = errors.Where(e => e.EndsWith(": " + UndeclaredField, StringComparison.Ordinal)).ToList();
        return undeclared.Count > 0 ? undeclared : errors;
    }

    /// <summary>The object as the API server would store it: a Gateway API object with its schema's defaults applied.</summary>
    public JsonObject WithDefaults(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        string? apiVersion = (string?)(obj["apiVersion"] as JsonValue);
        string? kind = (string?)(obj["kind"] as JsonValue);
        return apiVersion is not null && kind is not null && _customResources.Value.Find(apiVersion, kind) is CustomResourceVersion crd
            ? WithDefaults(obj, crd)
            : obj.DeepClone().AsObject();
    }

    internal IEnumerable<CustomResourceVersion> CustomResourceVersions => _customResources.Value.Versions;

    private static JsonObject WithDefaults(JsonObject obj, CustomResourceVersion crd)
    {
        JsonObject copy = obj.DeepClone().AsObject();
        SchemaDefaults.Apply(copy, crd.Schema, root: true);
        return copy;
    }

    private static void ValidateMetadata(string kind, JsonObject obj, bool customResource, CoreSchemas core, List<string> errors)
    {
        // A core kind's definition has metadata as a property (already walked); a CRD's schema leaves it to the API
        // server, which checks it against ObjectMeta.
        if (customResource && obj["metadata"] is JsonObject metadata)
        {
            new SchemaWalker(SchemaDialect.Core, core.Definition).Validate(metadata,
                core.Definition("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), SchemaPath.Root.Property("metadata"), OldValue.None, errors);
        }
        ObjectMetaRules.Validate(kind, obj["metadata"] as JsonObject, errors);
    }

    private static JsonObject Unresolvable(string reference) =>
        throw new InvalidOperationException($"a CRD schema has no $ref, yet found '{reference}'");
}
