using YamlDotNet.RepresentationModel;

namespace Slotgate.Import;

/// <summary>
/// Turns the Envoy cluster names that routes, read policies and mirrors use into Slotgate upstreams: the main cluster
/// (the catch-all's, else the first route's) becomes <c>cluster:</c>, each other Redis Cluster an upstream of type
/// cluster, a plain cluster of one server a standalone upstream, and a plain cluster of several a ketama ring.
/// </summary>
internal static class UpstreamResolver
{
    public static void Resolve(ImportedConfig config, string? main, Dictionary<string, (YamlMappingNode Node, string Path)> clusters, string filterPath)
    {
        var referenced = new List<string>();
        foreach (ImportedRoute route in config.Routes.Append(config.CatchAll).OfType<ImportedRoute>())
        {
            Reference(route.Upstream);
            Reference(route.ReadUpstream);
            route.Mirrors.ForEach(m => Reference(m.Upstream));
        }
        Reference(main);

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, (node, path)) in clusters)
        {
            if (!referenced.Contains(name))
            {
                config.Notes.Add(new ImportNote(path, $"cluster '{name}' is not used by the redis_proxy filter: not carried over"));
                continue;
            }
            if (name == main)
            {
                if (EnvoyClusterMapper.IsRedisCluster(node))
                {
                    EnvoyClusterMapper.Map(node, path, config);
                    names[name] = Configuration.UpstreamOptions.DefaultName;
                    continue;
                }
                // Slotgate's main upstream is a Redis Cluster (keyless commands go there); a plain main cluster becomes
                // a named upstream that the catch-all route sends every key to.
                config.Notes.Add(new ImportNote(path, "the main cluster is not a Redis Cluster: it becomes an upstream for the catch-all route; set cluster.seeds to a Redis Cluster for keyless commands"));
                config.CatchAll ??= new ImportedRoute { Upstream = name, Path = path };
            }
            var scratch = new ImportedConfig();
            MappedCluster other = EnvoyClusterMapper.Map(node, path, scratch);
            config.Notes.AddRange(scratch.Notes);
            string slotgateName = name == Configuration.UpstreamOptions.DefaultName ? name + "-envoy" : name;
            names[name] = slotgateName;
            if (other.IsRedisCluster)
            {
                config.Upstreams.Add(new ImportedUpstream(slotgateName, "cluster", other.Endpoints, scratch.Username, scratch.Password));
                if (scratch.RefreshInterval is not null || scratch.RefreshMinInterval is not null || scratch.ConnectTimeout is not null)
                {
                    config.Notes.Add(new ImportNote(path, "refresh and connect settings of a second Redis Cluster: Slotgate applies the main cluster's to every upstream"));
                }
                continue;
            }
            if (other.Endpoints.Count == 1)
            {
                config.Upstreams.Add(new ImportedUpstream(slotgateName, "standalone", other.Endpoints, scratch.Username, scratch.Password));
                continue;
            }
            config.Upstreams.Add(new ImportedUpstream(slotgateName, "ketama", other.Endpoints, scratch.Username, scratch.Password));
            config.Notes.Add(new ImportNote(EnvoyImporter.Join(path, "lb_policy"),
                $"{other.LbPolicy}: Slotgate shards these servers with twemproxy's ketama, whose placement differs from Envoy's hashing, so existing keys will be looked up on other servers; migrate or warm the data first"));
        }

        foreach (string name in referenced.Where(n => !names.ContainsKey(n)))
        {
            config.Notes.Add(new ImportNote(filterPath, name == main
                ? $"cluster '{name}' is not defined in this input: set cluster.seeds to its Redis Cluster nodes"
                : $"cluster '{name}' is not defined in this input: routes, read policies and mirrors to it are not carried over"));
        }
        ResolveRoutes(config, names, main);

        void Reference(string? name)
        {
            if (name is not null && !referenced.Contains(name))
            {
                referenced.Add(name);
            }
        }
    }

    private static void ResolveRoutes(ImportedConfig config, Dictionary<string, string> names, string? main)
    {
        string Name(string? envoy) => envoy is null ? Configuration.UpstreamOptions.DefaultName
            : names.TryGetValue(envoy, out string? name) ? name
            : envoy == main ? Configuration.UpstreamOptions.DefaultName : string.Empty;

        foreach (ImportedRoute route in config.Routes.Append(config.CatchAll).OfType<ImportedRoute>())
        {
            route.Upstream = Name(route.Upstream);
            if (route.ReadUpstream is not null)
            {
                route.ReadUpstream = Name(route.ReadUpstream) is { Length: > 0 } read ? read : null;
            }
            route.Mirrors.RemoveAll(m => Name(m.Upstream).Length == 0);
            route.Mirrors.ForEach(m => m.Upstream = Name(m.Upstream));
        }
        config.Routes.RemoveAll(r => r.Upstream!.Length == 0 || r.Prefix.Length == 0 && PromoteToCatchAll(config, r));
        if (config.CatchAll is { } catchAll && (catchAll.Upstream!.Length == 0 ||
            (catchAll.Upstream == Configuration.UpstreamOptions.DefaultName && catchAll.ReadUpstream is null && catchAll.KeyFormatter is null && catchAll.Mirrors.Count == 0)))
        {
            // The plain catch-all to the main cluster is what Slotgate does without one.
            config.CatchAll = null;
        }
    }

    /// <summary>An Envoy route with an empty prefix matches every key: it is the catch-all unless there already is one.</summary>
    private static bool PromoteToCatchAll(ImportedConfig config, ImportedRoute route)
    {
        config.CatchAll ??= route;
        return true;
    }
}
