using System.Diagnostics;
using Slotgate.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Slotgate.Tests.Kubernetes;

/// <summary>
/// Renders a kustomization with <c>kubectl kustomize</c> (kubectl ships on the project's machines; no cluster is
/// contacted) and parses the objects. Results are cached per directory: rendering takes a few hundred milliseconds.
/// </summary>
internal static class Kustomize
{
    private static readonly Dictionary<string, IReadOnlyList<YamlMappingNode>> Cache = new(StringComparer.Ordinal);

    public static IReadOnlyList<YamlMappingNode> Render(string relativeDirectory)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(relativeDirectory, out IReadOnlyList<YamlMappingNode>? objects))
            {
                objects = Yaml.LoadDocuments(Run(Path.Combine(RepositoryFiles.KubernetesDirectory, relativeDirectory)));
                Cache[relativeDirectory] = objects;
            }
            return objects;
        }
    }

    public static YamlMappingNode Single(this IReadOnlyList<YamlMappingNode> objects, string kind, string name) =>
        objects.SingleOrDefault(o => o.Kind() == kind && o.Name() == name)
        ?? throw new InvalidOperationException($"no {kind} '{name}' in the rendered output");

    private static string Run(string directory)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "kubectl is needed to render the manifests (apt: kubectl or kubernetes-client) but is not on PATH", e);
        }
        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                throw new TimeoutException($"kubectl kustomize {directory} took over 60 s");
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {directory} failed: {errors.Result}");
            }
            return output.Result;
        }
    }
}
