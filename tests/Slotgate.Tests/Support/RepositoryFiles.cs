namespace Slotgate.Tests.Support;

/// <summary>Paths inside the repository the tests run from (found by walking up to <c>Slotgate.slnx</c>).</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string KubernetesDirectory => Path.Combine(Root, "deploy", "kubernetes");

    public static string InRoot(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Slotgate.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }
        return directory ?? throw new InvalidOperationException($"Slotgate.slnx not found above {AppContext.BaseDirectory}");
    }
}
