using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas;
using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;

namespace Slotgate.Controller.Tests.Manifests;

/// <summary>
/// Every kustomization under deploy/ renders to objects that a Kubernetes 1.26 API server with the Gateway API v1.4.1
/// CRDs would accept: each object is validated by <see cref="SchemaValidator"/>, except the kinds listed in
/// <see cref="Unvalidated"/>, each with the reason.
/// </summary>
public sealed class KustomizationSchemaTests
{
    /// <summary>Kinds no schema here describes: they are named, with why, rather than skipped silently.</summary>
    private static readonly Dictionary<(string ApiVersion, string Kind), string> Unvalidated = new()
    {
        [("monitoring.coreos.com/v1", "ServiceMonitor")] =
            "the Prometheus Operator's CRD, part of neither Kubernetes nor the Gateway API; the optional service-monitor component needs that operator installed",
    };

    private static string DeployDirectory => RepositoryFiles.InRoot("deploy");

    /// <summary>Each directory under deploy/ with a kustomization.yaml, relative to deploy/.</summary>
    public static TheoryData<string> Kustomizations() => new(Directories());

    private static IEnumerable<string> Directories() =>
        Directory.EnumerateFiles(DeployDirectory, "kustomization.yaml", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(DeployDirectory, Path.GetDirectoryName(file)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Kustomization_RenderedObjects_AcceptedByKubernetes126Schemas(string directory)
    {
        IReadOnlyList<JsonObject> objects = Render(directory);

        // A component that only transforms (components/images) renders nothing alone; the kustomizations that
        // include it are validated with its changes applied.
        if (!IsComponent(directory))
        {
            Assert.NotEmpty(objects);
        }
        var failures = new List<string>();
        foreach (JsonObject obj in objects)
        {
            string apiVersion = (string)obj["apiVersion"]!;
            string kind = (string)obj["kind"]!;
            if (Unvalidated.ContainsKey((apiVersion, kind)))
            {
                continue;
            }
            string name = $"{kind} {obj["metadata"]?["namespace"]}/{obj["metadata"]?["name"]}";
            failures.AddRange(SchemaValidator.Shared.Validate(obj).Select(e => $"{name}: {e}"));
        }
        Assert.True(failures.Count == 0, $"deploy/{directory} renders objects a Kubernetes 1.26 API server would reject:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public void Kustomizations_FoundUnderDeploy_IncludeTheBaseAndTheController()
    {
        var directories = Directories().ToList();

        Assert.Contains("kubernetes/base", directories);
        Assert.Contains("kubernetes/controller", directories);
    }

    [Fact]
    public void UnvalidatedKinds_EachRenderedSomewhere_AndUnknownToTheValidator()
    {
        var rendered = Directories().SelectMany(Render)
            .Select(o => ((string)o["apiVersion"]!, (string)o["kind"]!)).ToHashSet();

        foreach ((string apiVersion, string kind) in Unvalidated.Keys)
        {
            Assert.Contains((apiVersion, kind), rendered);
            Assert.False(SchemaValidator.Shared.Knows(apiVersion, kind), $"{apiVersion} {kind} has a schema now: validate it");
        }
    }

    private static bool IsComponent(string directory) =>
        File.ReadAllLines(Path.Combine(DeployDirectory, directory, "kustomization.yaml"))
            .Any(line => line.Trim() == "kind: Component");

    private static IReadOnlyList<JsonObject> Render(string directory)
    {
        string relative = Path.GetRelativePath(RepositoryFiles.KubernetesDirectory, Path.Combine(DeployDirectory, directory));
        return Kustomize.Render(relative).Select(node => YamlJson.ToJson(node)!.AsObject()).ToList();
    }
}
