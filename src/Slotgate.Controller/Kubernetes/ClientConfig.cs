using k8s;
using k8s.KubeConfigModels;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// Where the controller finds its API server, in the order client-go based controllers use: the <c>--kubeconfig</c>
/// flag; else <c>KUBECONFIG</c> (a list separated as PATH is, merged as kubectl merges it: the first file to set a
/// value wins, missing files are skipped); else the pod's service account (in-cluster); else <c>~/.kube/config</c>.
/// <c>--context</c> picks a context other than the current one.
/// </summary>
internal static class ClientConfig
{
    public const string InClusterNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public static (KubernetesClientConfiguration Config, string Source) Load(
        string? kubeconfig, string? context, Func<string, string?> environment, Func<bool>? isInCluster = null)
    {
        if (kubeconfig is { Length: > 0 })
        {
            return (FromFiles([kubeconfig], context), kubeconfig);
        }
        if (environment("KUBECONFIG") is { Length: > 0 } list)
        {
            var files = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(File.Exists).ToList();
            if (files.Count > 0)
            {
                return (FromFiles(files, context), "KUBECONFIG " + string.Join(Path.PathSeparator, files));
            }
        }
        if ((isInCluster ?? KubernetesClientConfiguration.IsInCluster)())
        {
            return (KubernetesClientConfiguration.InClusterConfig(), "in-cluster service account");
        }
        string home = Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (!File.Exists(home))
        {
            throw new InvalidOperationException(
                "no Kubernetes configuration: not in a pod, KUBECONFIG names no existing file, and " + home + " does not exist (use --kubeconfig)");
        }
        return (FromFiles([home], context), home);
    }

    /// <summary>The namespace this controller runs in: POD_NAMESPACE (downward API), else the service account's namespace file.</summary>
    public static string? OwnNamespace(Func<string, string?> environment) =>
        environment("POD_NAMESPACE") is { Length: > 0 } ns
            ? ns
            : File.Exists(InClusterNamespaceFile) ? File.ReadAllText(InClusterNamespaceFile).Trim() : null;

    private static KubernetesClientConfiguration FromFiles(IReadOnlyList<string> files, string? context)
    {
        K8SConfiguration merged = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(files[0]), useRelativePaths: true);
        foreach (string file in files.Skip(1))
        {
            K8SConfiguration next = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: true);
            // kubectl's rule: the first file to set a value (current-context, or a cluster/user/context by name) wins.
            merged.CurrentContext = merged.CurrentContext is { Length: > 0 } ? merged.CurrentContext : next.CurrentContext;
            merged.Clusters = Merge(merged.Clusters, next.Clusters, c => c.Name);
            merged.Users = Merge(merged.Users, next.Users, u => u.Name);
            merged.Contexts = Merge(merged.Contexts, next.Contexts, c => c.Name);
        }
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, context is { Length: > 0 } ? context : null);
    }

    private static List<T> Merge<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string> name)
    {
        var result = (first ?? []).ToList();
        var names = result.Select(name).ToHashSet(StringComparer.Ordinal);
        result.AddRange((second ?? []).Where(item => names.Add(name(item))));
        return result;
    }
}
