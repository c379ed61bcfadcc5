namespace Slotgate.Tests.Kubernetes;

/// <summary>Every file or folder a kustomization names exists, and every manifest file is used by one.</summary>
public sealed class KustomizationFileTests
{
    private static readonly string[] ListFields = ["resources", "components", "configurations"];

    [Fact]
    public void Kustomizations_ReferencedFiles_AllExist()
    {
        foreach (string kustomization in Kustomizations())
        {
            string directory = Path.GetDirectoryName(kustomization)!;
            foreach (string reference in References(kustomization))
            {
                string path = Path.Combine(directory, reference);
                Assert.True(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")),
                    $"{Relative(kustomization)} names '{reference}', which does not exist");
            }
        }
    }

    [Fact]
    public void ManifestFiles_InKustomizationFolders_AreAllReferenced()
    {
        foreach (string kustomization in Kustomizations())
        {
            string directory = Path.GetDirectoryName(kustomization)!;
            var used = References(kustomization).Select(r => Path.GetFullPath(Path.Combine(directory, r))).ToHashSet();
            foreach (string file in Directory.GetFiles(directory, "*.yaml"))
            {
                if (Path.GetFileName(file) != "kustomization.yaml")
                {
                    Assert.True(used.Contains(Path.GetFullPath(file)), $"{Relative(file)} is not used by {Relative(kustomization)}");
                }
            }
        }
    }

    private static IEnumerable<string> Kustomizations() =>
        Directory.GetFiles(RepositoryFiles.KubernetesDirectory, "kustomization.yaml", SearchOption.AllDirectories);

    private static List<string> References(string kustomization)
    {
        var root = Yaml.LoadMapping(File.ReadAllText(kustomization));
        var references = new List<string>();
        foreach (string field in ListFields)
        {
            references.AddRange(root.Items(field).Select(i => i.ToString()));
        }
        references.AddRange(root.Items("patches").Select(p => p.Text("path")).OfType<string>());
        foreach (var generator in root.Items("configMapGenerator"))
        {
            references.AddRange(generator.Items("files").Select(f => f.ToString().Split('=')[^1]));
        }
        return references;
    }

    private static string Relative(string path) => Path.GetRelativePath(RepositoryFiles.Root, path);
}
