using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// The Kubernetes core OpenAPI schemas from npm's <c>kubernetes-models</c> 4.1.0 (Kubernetes 1.25.2), installed in
/// Schemas/node_modules by scripts/test.sh. Each <c>_schemas/*.js</c> file holds one definition as
/// <c>const schema = {JSON};</c> and registers it by name (<c>io.k8s.api.core.v1.Container</c>); top-level kinds are
/// found by the single value of their <c>apiVersion</c> and <c>kind</c> enums.
/// </summary>
internal sealed partial class CoreSchemas
{
    public const string PackageVersion = "4.1.0";

    // Lists whose items server-side apply names by keys (x-kubernetes-list-map-keys in the API server's own OpenAPI,
    // which kubernetes-models does not carry) and that the API server keeps unique.
    private static readonly (string Definition, string Property, string[] Keys)[] MapLists =
    [
        ("io.k8s.api.core.v1.PodSpec", "containers", ["name"]),
        ("io.k8s.api.core.v1.PodSpec", "initContainers", ["name"]),
        ("io.k8s.api.core.v1.PodSpec", "ephemeralContainers", ["name"]),
        ("io.k8s.api.core.v1.PodSpec", "volumes", ["name"]),
        ("io.k8s.api.core.v1.Container", "ports", ["containerPort", "protocol"]),
        ("io.k8s.api.core.v1.ServiceSpec", "ports", ["port", "protocol"]),
    ];

    private const string JsonSchemaProps = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";

    // Fields the package's generator drops for their names, not because Kubernetes lacks them: it strips every key
    // called "description" (documentation), which also removes the fields of that name, and the vendor extensions
    // ("x-kubernetes-*"), which also removes JSONSchemaProps's fields of those names. Without them the Gateway API CRDs
    // themselves would not validate. Restored as the Kubernetes 1.25 API reference declares them.
    private static readonly (string Definition, string Property, string Schema)[] DroppedFields =
    [
        ("io.k8s.api.scheduling.v1.PriorityClass", "description", """{"type":"string"}"""),
        ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceColumnDefinition", "description", """{"type":"string"}"""),
        (JsonSchemaProps, "description", """{"type":"string"}"""),
        (JsonSchemaProps, "x-kubernetes-embedded-resource", """{"type":"boolean"}"""),
        (JsonSchemaProps, "x-kubernetes-int-or-string", """{"type":"boolean"}"""),
        (JsonSchemaProps, "x-kubernetes-list-map-keys", """{"type":"array","items":{"type":"string"}}"""),
        (JsonSchemaProps, "x-kubernetes-list-type", """{"type":"string"}"""),
        (JsonSchemaProps, "x-kubernetes-map-type", """{"type":"string"}"""),
        (JsonSchemaProps, "x-kubernetes-preserve-unknown-fields", """{"type":"boolean"}"""),
        (JsonSchemaProps, "x-kubernetes-validations",
            """{"type":"array","items":{"$ref":"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule#"}}"""),
    ];

    private readonly Dictionary<string, JsonObject> _definitions;
    private readonly Dictionary<(string ApiVersion, string Kind), string> _kinds = [];

    private CoreSchemas(Dictionary<string, JsonObject> definitions)
    {
        _definitions = definitions;
        foreach ((string name, JsonObject schema) in definitions)
        {
            if (schema["properties"]?["apiVersion"]?["enum"] is JsonArray { Count: 1 } apiVersion
                && schema["properties"]?["kind"]?["enum"] is JsonArray { Count: 1 } kind)
            {
                _kinds[((string)apiVersion[0]!, (string)kind[0]!)] = name;
            }
        }
        foreach ((string definition, string property, string schema) in DroppedFields)
        {
            JsonObject properties = Definition(definition)["properties"] as JsonObject
                ?? throw new InvalidOperationException($"{definition} has no properties");
            if (properties.ContainsKey(property))
            {
                throw new InvalidOperationException($"{definition} declares '{property}' already: the restored field list is out of date");
            }
            properties[property] = JsonNode.Parse(schema);
        }
        foreach ((string definition, string property, string[] keys) in MapLists)
        {
            JsonObject list = Definition(definition)["properties"]?[property] as JsonObject
                ?? throw new InvalidOperationException($"{definition} has no list '{property}'");
            list["x-kubernetes-list-type"] = "map";
            list["x-kubernetes-list-map-keys"] = new JsonArray(keys.Select(k => (JsonNode?)k).ToArray());
        }
    }

    public static string ModulesDirectory => RepositoryFiles.InRoot("tests", "Slotgate.Controller.Tests", "Schemas", "node_modules");

    public int Count => _definitions.Count;

    public static CoreSchemas Load() => Load(ModulesDirectory);

    /// <summary>Loads the schemas from a node_modules directory; throws, naming scripts/test.sh, when they are missing.</summary>
    internal static CoreSchemas Load(string modulesDirectory)
    {
        string package = Path.Combine(modulesDirectory, "kubernetes-models");
        string manifest = Path.Combine(package, "package.json");
        if (!File.Exists(manifest))
        {
            throw new InvalidOperationException(
                $"The Kubernetes core schemas (npm kubernetes-models {PackageVersion}) are not installed in {modulesDirectory}. "
                + "scripts/test.sh installs them (npm ci in tests/Slotgate.Controller.Tests/Schemas); run it, or that npm ci, first.");
        }
        string? version = (string?)JsonNode.Parse(File.ReadAllText(manifest))?["version"];
        if (version != PackageVersion)
        {
            throw new InvalidOperationException(
                $"kubernetes-models {version} is installed in {modulesDirectory}, but the schemas must be {PackageVersion}; run scripts/test.sh (npm ci).");
        }
        var definitions = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        string[] directories =
        [
            Path.Combine(package, "_schemas"),
            Path.Combine(modulesDirectory, "@kubernetes-models", "apimachinery", "_schemas"),
        ];
        foreach (string directory in directories)
        {
            if (!Directory.Exists(directory))
            {
                throw new InvalidOperationException($"{directory} is missing: the kubernetes-models install is incomplete; run scripts/test.sh (npm ci).");
            }
            foreach (string file in Directory.EnumerateFiles(directory, "*.js"))
            {
                (string name, JsonObject schema) = ParseFile(file);
                Materialize(schema);
                definitions[name] = schema;
            }
        }
        return new CoreSchemas(definitions);
    }

    /// <summary>The top-level definition for an apiVersion and kind, or null.</summary>
    public string? Find(string apiVersion, string kind) => _kinds.GetValueOrDefault((apiVersion, kind));

    public JsonObject Definition(string name) =>
        _definitions.TryGetValue(name, out JsonObject? schema) ? schema : throw new InvalidOperationException($"no core schema definition '{name}'");

    /// <summary>
    /// Touches every node once: a parsed JsonObject builds its property table on first access, which is not safe to
    /// race, and the validator is shared by tests running in parallel.
    /// </summary>
    internal static void Materialize(JsonNode? node) => JsonTree.ForEachObject(node, static _ => { });

    private static (string Name, JsonObject Schema) ParseFile(string file)
    {
        string text = File.ReadAllText(file);
        Match schema = SchemaLiteral().Match(text);
        Match register = Register().Match(text);
        if (!schema.Success || !register.Success)
        {
            throw new InvalidOperationException($"{file}: no 'const schema = {{...}};' with a register(\"name\", schema) call; cannot load it.");
        }
        try
        {
            return (register.Groups["name"].Value, JsonNode.Parse(schema.Groups["json"].Value)!.AsObject());
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{file}: the schema literal is not JSON: {e.Message}", e);
        }
    }

    [GeneratedRegex(@"const schema = (?<json>\{\}|\{.*?\n\});\r?\n", RegexOptions.Singleline)]
    private static partial Regex SchemaLiteral();

    [GeneratedRegex(@"register\)\(""(?<name>[^""]+)"",\s*schema\)")]
    private static partial Regex Register();
}
