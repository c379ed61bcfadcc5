using System.Text.Json.Nodes;
using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// The Gateway API CRDs (Data/gateway-api-v1.4.1-experimental-install.yaml): for every CRD, the
/// <c>openAPIV3Schema</c> of each served version, found by apiVersion and kind.
/// </summary>
internal sealed class CustomResourceSchemas
{
    public const string DataFile = "gateway-api-v1.4.1-experimental-install.yaml";

    private readonly Dictionary<(string ApiVersion, string Kind), CustomResourceVersion> _versions = [];

    private CustomResourceSchemas(IEnumerable<JsonObject> definitions)
    {
        foreach (JsonObject crd in definitions.Where(d => (string?)d["kind"] == "CustomResourceDefinition"))
        {
            string group = (string)crd["spec"]!["group"]!;
            string kind = (string)crd["spec"]!["names"]!["kind"]!;
            bool namespaced = (string?)crd["spec"]!["scope"] == "Namespaced";
            foreach (JsonObject version in crd["spec"]!["versions"]!.AsArray().OfType<JsonObject>())
            {
                if (version["served"] is JsonValue served && !(bool)served)
                {
                    continue;
                }
                string name = (string)version["name"]!;
                var schema = version["schema"]?["openAPIV3Schema"] as JsonObject
                    ?? throw new InvalidOperationException($"CRD {crd["metadata"]!["name"]} version {name} has no openAPIV3Schema");
                CoreSchemas.Materialize(schema);
                _versions[($"{group}/{name}", kind)] = new CustomResourceVersion((string)crd["metadata"]!["name"]!, name, kind, namespaced, schema);
            }
        }
    }

    public IEnumerable<CustomResourceVersion> Versions => _versions.Values;

    public static string DataPath => RepositoryFiles.InRoot("tests", "Slotgate.Controller.Tests", "Schemas", "Data", DataFile);

    public static CustomResourceSchemas Load()
    {
        string path = DataPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the Gateway API CRDs are missing: {path}");
        }
        return new CustomResourceSchemas(YamlJson.LoadDocuments(File.ReadAllText(path)));
    }

    public CustomResourceVersion? Find(string apiVersion, string kind) => _versions.GetValueOrDefault((apiVersion, kind));
}
