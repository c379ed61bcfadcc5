using YamlDotNet.RepresentationModel;

namespace Slotgate.Import;

/// <summary>
/// Maps the Envoy cluster a redis_proxy filter routes to: an <c>envoy.clusters.redis</c> cluster's endpoints become
/// Slotgate's seeds and its <c>RedisClusterConfig</c> the refresh settings; upstream AUTH comes from the cluster's
/// redis_proxy protocol options. Every other field is noted.
/// </summary>
internal static class EnvoyClusterMapper
{
    public static bool IsRedisCluster(YamlNode cluster) =>
        EnvoyYaml.Text(EnvoyYaml.Child(cluster, "cluster_type"), "name") == "envoy.clusters.redis";

    /// <summary>
    /// Maps the cluster's settings into <paramref name="config"/> (seeds only for a Redis Cluster) and returns what it is,
    /// so the caller decides how a plain cluster of standalone servers is carried over.
    /// </summary>
    public static MappedCluster Map(YamlMappingNode cluster, string path, ImportedConfig config)
    {
        bool redisCluster = IsRedisCluster(cluster);
        var endpoints = new List<string>();
        foreach (var (key, value) in EnvoyYaml.Entries(cluster))
        {
            string at = EnvoyImporter.Join(path, key);
            switch (key)
            {
                case "name":
                    break;
                case "connect_timeout" when EnvoyYaml.TryDuration(value, out TimeSpan timeout):
                    config.ConnectTimeout = timeout;
                    break;
                case "cluster_type":
                    MapClusterType(value, at, config);
                    break;
                case "load_assignment":
                    foreach (var (field, _) in value is YamlMappingNode la ? EnvoyYaml.Entries(la) : [])
                    {
                        if (field is not ("cluster_name" or "endpoints"))
                        {
                            config.Notes.Add(new ImportNote(EnvoyImporter.Join(at, field), "not carried over: Slotgate only uses the endpoints' addresses"));
                        }
                    }
                    foreach (YamlNode locality in EnvoyYaml.Seq(value, "endpoints") ?? [])
                    {
                        foreach (YamlNode lb in EnvoyYaml.Seq(locality, "lb_endpoints") ?? [])
                        {
                            AddEndpoint(EnvoyYaml.Child(EnvoyYaml.Child(EnvoyYaml.Child(lb, "endpoint"), "address"), "socket_address"), endpoints);
                        }
                    }
                    break;
                case "hosts":
                    foreach (YamlNode host in value as YamlSequenceNode ?? [])
                    {
                        AddEndpoint(EnvoyYaml.Child(host, "socket_address"), endpoints);
                    }
                    break;
                case "typed_extension_protocol_options":
                case "extension_protocol_options":
                    MapProtocolOptions(value as YamlMappingNode, at, config);
                    break;
                case "type":
                    if (!redisCluster)
                    {
                        config.Notes.Add(new ImportNote(at, $"discovery type {(value as YamlScalarNode)?.Value}: Slotgate resolves the addresses itself"));
                    }
                    break;
                case "dns_lookup_family":
                    config.Notes.Add(new ImportNote(at, "Slotgate uses every address the system resolver returns; no family setting"));
                    break;
                case "lb_policy":
                    if (redisCluster)
                    {
                        config.Notes.Add(new ImportNote(at, "ignored for a Redis Cluster: keys go to their hash slot's node"));
                    }
                    break;
                default:
                    config.Notes.Add(new ImportNote(at, "cluster field with no Slotgate equivalent in this version: not carried over"));
                    break;
            }
        }
        if (redisCluster)
        {
            config.Seeds.AddRange(endpoints);
        }
        return new MappedCluster(redisCluster, endpoints, EnvoyYaml.Text(cluster, "lb_policy") ?? "ROUND_ROBIN");
    }

    private static void AddEndpoint(YamlNode? socketAddress, List<string> endpoints)
    {
        if (EnvoyYaml.SocketAddress(socketAddress) is { } address)
        {
            endpoints.Add(address);
        }
    }

    private static void MapClusterType(YamlNode clusterType, string path, ImportedConfig config)
    {
        string? name = EnvoyYaml.Text(clusterType, "name");
        if (name != "envoy.clusters.redis")
        {
            config.Notes.Add(new ImportNote(EnvoyImporter.Join(path, "name"), $"custom cluster type '{name}': not a Redis Cluster, not carried over"));
            return;
        }
        YamlNode? typed = EnvoyYaml.Child(clusterType, "typed_config");
        if (typed is null)
        {
            return;
        }
        string typedPath = EnvoyImporter.Join(path, "typed_config");
        // Either a google.protobuf.Struct wrapping the fields in "value", or the RedisClusterConfig type itself.
        YamlMappingNode? fields = EnvoyYaml.Text(typed, "@type")?.EndsWith("google.protobuf.Struct", StringComparison.Ordinal) == true
            ? EnvoyYaml.Map(typed, "value")
            : typed as YamlMappingNode;
        if (EnvoyYaml.Map(typed, "value") is not null && fields == EnvoyYaml.Map(typed, "value"))
        {
            typedPath = EnvoyImporter.Join(typedPath, "value");
        }
        foreach (var (key, value) in fields is null ? [] : EnvoyYaml.Entries(fields))
        {
            string at = EnvoyImporter.Join(typedPath, key);
            switch (key)
            {
                case "@type":
                    break;
                case "cluster_refresh_rate" when EnvoyYaml.TryDuration(value, out TimeSpan rate):
                    config.RefreshInterval = rate;
                    break;
                case "redirect_refresh_interval" when EnvoyYaml.TryDuration(value, out TimeSpan least):
                    config.RefreshMinInterval = least;
                    break;
                case "cluster_refresh_timeout":
                    config.Notes.Add(new ImportNote(at, "Slotgate's topology queries time out with backend.operationTimeout (and ask up to three nodes at once); no separate setting"));
                    break;
                case "redirect_refresh_threshold":
                    config.Notes.Add(new ImportNote(at, "Slotgate refreshes the topology on the first MOVED, at most once per cluster.refreshMinInterval; no threshold"));
                    break;
                case "failure_refresh_threshold":
                case "host_degraded_refresh_threshold":
                    config.Notes.Add(new ImportNote(at, "Slotgate refreshes the topology on the first connection failure, at most once per cluster.refreshMinInterval; no threshold"));
                    break;
                default:
                    config.Notes.Add(new ImportNote(at, "RedisClusterConfig field with no Slotgate equivalent: not carried over"));
                    break;
            }
        }
        if (config.RefreshInterval is { } interval && config.RefreshMinInterval is { } min && min > interval)
        {
            config.Notes.Add(new ImportNote(EnvoyImporter.Join(typedPath, "redirect_refresh_interval"),
                "longer than cluster_refresh_rate, which Slotgate does not allow: cluster.refreshMinInterval set to the refresh interval"));
            config.RefreshMinInterval = interval;
        }
    }

    private static void MapProtocolOptions(YamlMappingNode? options, string path, ImportedConfig config)
    {
        foreach (var (key, value) in options is null ? [] : EnvoyYaml.Entries(options))
        {
            string at = EnvoyImporter.Join(path, key);
            if (key is not ("envoy.filters.network.redis_proxy" or "envoy.redis_proxy"))
            {
                config.Notes.Add(new ImportNote(at, "protocol options for another filter: not carried over"));
                continue;
            }
            foreach (var (field, source) in value is YamlMappingNode map ? EnvoyYaml.Entries(map) : [])
            {
                string fieldPath = EnvoyImporter.Join(at, field);
                switch (field)
                {
                    case "@type":
                        break;
                    case "auth_password":
                        config.Password = RedisProxyMapper.DataSource(source, fieldPath, config, passwordFiles: null);
                        break;
                    case "auth_username":
                        config.Username = RedisProxyMapper.DataSource(source, fieldPath, config, passwordFiles: null);
                        break;
                    default:
                        config.Notes.Add(new ImportNote(fieldPath, "unknown RedisProtocolOptions field: not carried over"));
                        break;
                }
            }
        }
    }
}
