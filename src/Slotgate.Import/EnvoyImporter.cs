using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Slotgate.Import;

/// <summary>
/// <c>slotgate import-envoy</c>: finds the <c>envoy.filters.network.redis_proxy</c> filter in an Envoy configuration (a
/// bootstrap or listener YAML, an Envoy Gateway <c>EnvoyPatchPolicy</c> with its Gateway, or a bare <c>RedisProxy</c>
/// typed config), and the clusters it routes to, and maps them to Slotgate settings. Pure: no files, no network.
/// Only what concerns Redis is read: the filter, its listener's address and the clusters it names; every field of
/// those that has no Slotgate equivalent becomes an <see cref="ImportNote"/>.
/// </summary>
internal static class EnvoyImporter
{
    private const string FilterName = "envoy.filters.network.redis_proxy";

    /// <summary>The converted configuration, or null with <paramref name="error"/> when the input has no redis_proxy filter.</summary>
    public static ImportedConfig? Import(string yaml, out string? error)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            error = $"not valid YAML: {ex.Message}";
            return null;
        }

        var found = new Discovery();
        foreach (YamlDocument document in stream.Documents)
        {
            found.CollectGatewayListeners(document.RootNode);
        }
        foreach (YamlDocument document in stream.Documents)
        {
            found.Walk(document.RootNode, DocumentLabel(document.RootNode), listener: null);
        }
        if (found.Filters.Count == 0 && stream.Documents.Count == 1 && LooksLikeBareRedisProxy(stream.Documents[0].RootNode))
        {
            found.Filters.Add(new FoundFilter((YamlMappingNode)stream.Documents[0].RootNode, string.Empty, null));
        }
        if (found.Filters.Count == 0)
        {
            error = $"no {FilterName} filter (or RedisProxy typed config) found";
            return null;
        }

        var config = new ImportedConfig();
        FoundFilter filter = found.Filters[0];
        for (int i = 1; i < found.Filters.Count; i++)
        {
            config.Notes.Add(new ImportNote(found.Filters[i].Path,
                "a second redis_proxy filter: not carried over (only the first filter found is converted; one Slotgate configuration serves one set of routes)"));
        }
        if (filter.ListenerAddress is { } listen)
        {
            config.Listen.Add(listen);
        }
        else
        {
            config.Notes.Add(new ImportNote(Join(filter.Path, "(listener)"),
                "the input names no listener address for this filter: Slotgate will listen on its default 0.0.0.0:7000"));
        }

        string? main = RedisProxyMapper.Map(filter.TypedConfig, filter.Path, config);
        if (main is null)
        {
            config.Notes.Add(new ImportNote(filter.Path, "the filter routes to no cluster: set cluster.seeds"));
        }
        UpstreamResolver.Resolve(config, main, found.Clusters.ToDictionary(c => c.Key, c => (c.Value.Node, c.Value.Path)), filter.Path);
        error = null;
        return config;
    }

    internal static string Join(string path, string field) =>
        path.Length == 0 || path.EndsWith(' ') ? path + field : path + "." + field;

    private static bool LooksLikeBareRedisProxy(YamlNode root) =>
        root is YamlMappingNode map
        && (EnvoyYaml.Child(map, "prefix_routes") is not null || EnvoyYaml.Child(map, "settings") is not null
            || EnvoyYaml.Child(map, "stat_prefix") is not null);

    /// <summary>"EnvoyPatchPolicy redis-envoy-patch-policy: " for Kubernetes objects, so a note says which object it means.</summary>
    private static string DocumentLabel(YamlNode root)
    {
        if (EnvoyYaml.Text(root, "kind") is { } kind && EnvoyYaml.Text(EnvoyYaml.Child(root, "metadata"), "name") is { } name)
        {
            return $"{kind} {name}: ";
        }
        return string.Empty;
    }

    private sealed record FoundFilter(YamlMappingNode TypedConfig, string Path, string? ListenerAddress);

    private sealed record FoundCluster(YamlMappingNode Node, string Path);

    /// <summary>Walks the documents for redis_proxy filters (with their listener) and cluster definitions.</summary>
    private sealed class Discovery
    {
        // Gateway API listeners by "namespace/gateway/listener", the name Envoy Gateway gives the Envoy listener
        // that an EnvoyPatchPolicy patches.
        private readonly Dictionary<string, string> _gatewayListeners = new(StringComparer.Ordinal);

        public List<FoundFilter> Filters { get; } = [];

        public Dictionary<string, FoundCluster> Clusters { get; } = new(StringComparer.Ordinal);

        public void CollectGatewayListeners(YamlNode root)
        {
            if (EnvoyYaml.Text(root, "kind") != "Gateway" || EnvoyYaml.Seq(EnvoyYaml.Child(root, "spec"), "listeners") is not { } listeners)
            {
                return;
            }
            YamlNode? metadata = EnvoyYaml.Child(root, "metadata");
            string ns = EnvoyYaml.Text(metadata, "namespace") ?? "default";
            string gateway = EnvoyYaml.Text(metadata, "name") ?? string.Empty;
            foreach (YamlNode listener in listeners)
            {
                if (EnvoyYaml.Text(listener, "name") is { } name && EnvoyYaml.Text(listener, "port") is { } port)
                {
                    _gatewayListeners[$"{ns}/{gateway}/{name}"] = "0.0.0.0:" + port;
                }
            }
        }

        public void Walk(YamlNode node, string path, string? listener)
        {
            if (node is YamlSequenceNode sequence)
            {
                for (int i = 0; i < sequence.Children.Count; i++)
                {
                    Walk(sequence.Children[i], $"{path}[{i}]", listener);
                }
                return;
            }
            if (node is not YamlMappingNode map)
            {
                return;
            }
            if (EnvoyYaml.Text(map, "name") is FilterName or "envoy.redis_proxy" && EnvoyYaml.Map(map, "typed_config") is { } typed)
            {
                Filters.Add(new FoundFilter(typed, Join(path, "typed_config"), listener));
                return;
            }
            if (EnvoyYaml.Text(map, "@type")?.EndsWith(".RedisProxy", StringComparison.Ordinal) == true)
            {
                Filters.Add(new FoundFilter(map, path, listener));
                return;
            }
            if (EnvoyYaml.Text(map, "name") is { } clusterName
                && (EnvoyYaml.Child(map, "cluster_type") is not null || EnvoyYaml.Child(map, "load_assignment") is not null
                    || EnvoyYaml.Child(map, "hosts") is not null))
            {
                Clusters.TryAdd(clusterName, new FoundCluster(map, path));
                return;
            }
            if (EnvoyYaml.Child(map, "filter_chains") is not null)
            {
                listener = EnvoyYaml.SocketAddress(EnvoyYaml.Child(EnvoyYaml.Child(map, "address"), "socket_address")) ?? listener;
            }
            foreach (var (key, value) in EnvoyYaml.Entries(map))
            {
                string? childListener = listener;
                if (key == "operation" && EnvoyYaml.Text(map, "type")?.EndsWith(".Listener", StringComparison.Ordinal) == true
                    && EnvoyYaml.Text(map, "name") is { } patched)
                {
                    // An EnvoyPatchPolicy patch of a Gateway's listener: the address is the Gateway listener's port.
                    childListener = _gatewayListeners.TryGetValue(patched, out string? address) ? address : listener;
                }
                Walk(value, Join(path, key), childListener);
            }
        }
    }
}
