using Slotgate.Import;

namespace Slotgate.Tests.Import;

public class EnvoyImporterTests
{
    private static ImportedConfig Import(string yaml)
    {
        ImportedConfig? config = EnvoyImporter.Import(yaml, out string? error);
        Assert.True(config is not null, error);
        return config;
    }

    /// <summary>Loads the written file as Slotgate would, with the given extra flags.</summary>
    private static SlotgateConfigLoadResult LoadWritten(ImportedConfig config, params string[] flags)
    {
        string file = Path.Combine(Path.GetTempPath(), $"slotgate-import-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(file, ImportedConfigWriter.Write(config, "test.yaml"));
            return SlotgateConfiguration.Load(["--config", file, .. flags], new Dictionary<string, string?>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Import_GatewayWaypointPatchPolicy_ListenerSeedsTimeoutsAndNotes()
    {
        ImportedConfig config = Import(EnvoyConfigs.GatewayWaypoint);

        Assert.Equal(["0.0.0.0:7000"], config.Listen);
        Assert.Equal(["redis.external-redis:7000"], config.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(5), config.OperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), config.ConnectTimeout);
        Assert.Null(config.MaxRedirects); // enable_redirection: true is what Slotgate does anyway
        Assert.Collection(config.Notes,
            note => Assert.Equal("EnvoyPatchPolicy redis-envoy-patch-policy: spec.jsonPatches[0].operation.value.typed_config.settings.dns_cache_config", note.EnvoyPath),
            note => Assert.Equal("EnvoyPatchPolicy redis-envoy-patch-policy: spec.jsonPatches[0].operation.value.typed_config.stat_prefix", note.EnvoyPath));
    }

    [Fact]
    public void Import_GatewayWaypointPatchPolicy_WrittenFileLoads()
    {
        SlotgateConfigLoadResult result = LoadWritten(Import(EnvoyConfigs.GatewayWaypoint));

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal(["0.0.0.0:7000"], result.Options.Listen);
        Assert.Equal(["redis.external-redis:7000"], result.Options.Cluster.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(5), result.Options.Backend.OperationTimeout);
    }

    [Fact]
    public void Import_BareRedisProxy_SettingsFaultsCustomCommandsAndUsers()
    {
        ImportedConfig config = Import(EnvoyConfigs.BareRedisProxy);

        Assert.Empty(config.Listen);
        Assert.Empty(config.Seeds);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.OperationTimeout);
        Assert.Equal("prefer-replica", config.ReadFrom);
        Assert.Equal(["JSON.GET", "BF.ADD"], config.CustomCommands);
        Assert.Collection(config.Faults,
            f => Assert.Equal(("error", 10.0, (TimeSpan?)null, "GET"), (f.Type, f.Percent, f.Delay, Assert.Single(f.Commands))),
            f => Assert.Equal(("delay", 25.0, (TimeSpan?)TimeSpan.FromMilliseconds(200), 0), (f.Type, f.Percent, f.Delay, f.Commands.Count)));
        ImportedUser user = Assert.Single(config.Users);
        Assert.Equal("app", user.Name);
        Assert.Equal(["first-secret"], user.Passwords);
        Assert.Equal(["/etc/redis/second-secret"], user.PasswordFiles);

        string[] paths = [.. config.Notes.Select(n => n.EnvoyPath)];
        Assert.Contains("stat_prefix", paths);
        Assert.Contains("settings.max_buffer_size_before_flush", paths);
        Assert.Contains("settings.buffer_flush_timeout", paths);
        Assert.Contains("settings.connection_rate_limit", paths);
        Assert.Contains("faults[0].fault_enabled.runtime_key", paths);
        Assert.Contains("latency_in_micros", paths);
        Assert.Contains("shiny_new_field", paths);
        Assert.Contains("(listener)", paths);
        Assert.Contains(config.Notes, n => n.Reason == "cluster 'orders_redis' is not defined in this input: set cluster.seeds to its Redis Cluster nodes");
    }

    [Fact]
    public void Import_BareRedisProxy_WrittenFileHasNotesAsCommentsAndLoadsWithASeed()
    {
        ImportedConfig config = Import(EnvoyConfigs.BareRedisProxy);
        string yaml = ImportedConfigWriter.Write(config, "bare.yaml");
        Assert.Contains("#   settings.connection_rate_limit: ", yaml, StringComparison.Ordinal);
        Assert.Contains($"# Not carried over ({config.Notes.Count}):", yaml, StringComparison.Ordinal);

        // The auth section is for client authentication (auth.users), which this build reads only once that feature is merged.
        var withoutUsers = Import(EnvoyConfigs.BareRedisProxy);
        withoutUsers.Users.Clear();
        SlotgateConfigLoadResult result = LoadWritten(withoutUsers, "--seed", "127.0.0.1:7001");

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        SlotgateOptions options = result.Options;
        Assert.Equal("prefer-replica", options.Routing.ReadFrom);
        Assert.Equal(["JSON.GET", "BF.ADD"], options.Routing.CustomCommands);
        Assert.Equal(2, options.Faults.Count);
        Assert.Equal(("error", 10.0, TimeSpan.Zero), (options.Faults[0].Type, options.Faults[0].Percent, options.Faults[0].Delay));
        Assert.Equal(["GET"], options.Faults[0].Commands);
        Assert.Equal(("delay", 25.0, TimeSpan.FromMilliseconds(200)), (options.Faults[1].Type, options.Faults[1].Percent, options.Faults[1].Delay));
    }

    [Fact]
    public void Import_Bootstrap_ListenerClusterRefreshAuthAndUnsupportedRoutesReported()
    {
        ImportedConfig config = Import(EnvoyConfigs.Bootstrap);

        Assert.Equal(["0.0.0.0:6380"], config.Listen);
        Assert.Equal(["redis-0.redis:6379", "[fd00::1]:6379"], config.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(3.5), config.OperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), config.ConnectTimeout);
        Assert.Equal(0, config.MaxRedirects); // enable_redirection: false hands MOVED to the client, as Envoy does
        Assert.Equal("replica", config.ReadFrom);
        Assert.Equal(TimeSpan.FromSeconds(30), config.RefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), config.RefreshMinInterval);
        Assert.Equal("proxy", config.Username);
        Assert.Equal("upstream pass", config.Password);

        // The "cache:" route goes to a plain one-server cluster (a standalone upstream); the catch-all mirrors writes there.
        Assert.True(config.CaseInsensitive);
        ImportedUpstream upstream = Assert.Single(config.Upstreams);
        Assert.Equal(("cache_redis", "standalone", "cache-0:6379"), (upstream.Name, upstream.Type, Assert.Single(upstream.Servers)));
        ImportedRoute route = Assert.Single(config.Routes);
        Assert.Equal(("cache:", "cache_redis", true), (route.Prefix, route.Upstream, route.RemovePrefix));
        Assert.Equal("default", config.CatchAll!.Upstream);
        ImportedMirror mirror = Assert.Single(config.CatchAll.Mirrors);
        Assert.Equal(("cache_redis", 100.0, true), (mirror.Upstream, mirror.Percent, mirror.ExcludeReads));

        const string cluster = "static_resources.clusters[0]";
        string[] paths = [.. config.Notes.Select(n => n.EnvoyPath)];
        Assert.Contains(cluster + ".dns_lookup_family", paths);
        Assert.Contains(cluster + ".health_checks", paths);
        Assert.Contains(cluster + ".cluster_type.typed_config.value.cluster_refresh_timeout", paths);
        Assert.Contains(cluster + ".cluster_type.typed_config.value.redirect_refresh_threshold", paths);
        Assert.Contains("static_resources.clusters[1].type", paths);
        Assert.DoesNotContain(config.Notes, n => n.Reason.Contains("upstream pass", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_Bootstrap_WrittenFileLoadsWithPasswordMaskedInView()
    {
        SlotgateConfigLoadResult result = LoadWritten(Import(EnvoyConfigs.Bootstrap));

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal("upstream pass", result.Options.Cluster.Password);
        Assert.Equal(0, result.Options.Routing.MaxRedirects);
        Assert.Equal(["redis-0.redis:6379", "[fd00::1]:6379"], result.Options.Cluster.Seeds);
        Assert.Equal(("cache:", "cache_redis", true), (result.Options.Routes.Prefixes[0].Prefix, result.Options.Routes.Prefixes[0].Upstream, result.Options.Routes.Prefixes[0].RemovePrefix));
        Assert.Equal("cache_redis", result.Options.Routes.CatchAll!.Mirrors[0].Upstream);
        Assert.Equal("standalone", result.Options.Upstreams[0].Type);
        Assert.DoesNotContain("upstream pass", SlotgateConfiguration.Render(result.Options), StringComparison.Ordinal);
    }

    [Fact]
    public void Import_IstioEnvoyFilter_FilterAndClusterFoundInPatches()
    {
        ImportedConfig config = Import("""
            apiVersion: networking.istio.io/v1alpha3
            kind: EnvoyFilter
            metadata:
              name: redis-proxy
              namespace: istio-system
            spec:
              configPatches:
              - applyTo: CLUSTER
                patch:
                  operation: INSERT_FIRST
                  value:
                    name: custom-redis-cluster
                    connect_timeout: 0.5s
                    lb_policy: CLUSTER_PROVIDED
                    load_assignment:
                      cluster_name: custom-redis-cluster
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 10.1.0.11, port_value: 6379 } } }
                    cluster_type:
                      name: envoy.clusters.redis
                      typed_config:
                        "@type": type.googleapis.com/google.protobuf.Struct
                        value:
                          cluster_refresh_rate: 5s
                          cluster_refresh_timeout: 3s
                          redirect_refresh_interval: 5s
                          redirect_refresh_threshold: 5
              - applyTo: NETWORK_FILTER
                match:
                  listener:
                    filterChain:
                      filter:
                        name: envoy.filters.network.tcp_proxy
                patch:
                  operation: REPLACE
                  value:
                    name: envoy.filters.network.redis_proxy
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy
                      stat_prefix: redis_stats
                      prefix_routes:
                        catch_all_route:
                          cluster: custom-redis-cluster
                      settings:
                        op_timeout: 5s
            """);

        Assert.Equal(["10.1.0.11:6379"], config.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(5), config.RefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), config.RefreshMinInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.ConnectTimeout);
        Assert.Empty(config.Listen); // the listener is Istio's; Slotgate's default is used and noted
        Assert.Contains(config.Notes, n => n.EnvoyPath == "EnvoyFilter redis-proxy: spec.configPatches[1].patch.value.typed_config.(listener)");
        Assert.Contains(config.Notes, n => n.EnvoyPath == "EnvoyFilter redis-proxy: spec.configPatches[0].patch.value.lb_policy");
    }

    [Fact]
    public void Import_JsonBootstrapWithTwoFilters_FirstConvertedSecondNoted()
    {
        ImportedConfig config = Import("""
            {"static_resources": {"listeners": [
              {"address": {"socket_address": {"address": "127.0.0.1", "port_value": 7001}},
               "filter_chains": [{"filters": [{"name": "envoy.filters.network.redis_proxy", "typed_config": {
                 "@type": "type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy",
                 "stat_prefix": "a", "settings": {"op_timeout": "1.5s"},
                 "prefix_routes": {"catch_all_route": {"cluster": "c"}}}}]}]},
              {"address": {"socket_address": {"address": "127.0.0.1", "port_value": 7002}},
               "filter_chains": [{"filters": [{"name": "envoy.filters.network.redis_proxy", "typed_config": {
                 "@type": "type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy",
                 "stat_prefix": "b", "prefix_routes": {"catch_all_route": {"cluster": "c"}}}}]}]}],
             "clusters": [{"name": "c", "cluster_type": {"name": "envoy.clusters.redis"},
               "load_assignment": {"cluster_name": "c", "endpoints": [{"lb_endpoints": [
                 {"endpoint": {"address": {"socket_address": {"address": "10.0.0.9", "port_value": 6379}}}}]}]}}]}}
            """);

        Assert.Equal(["127.0.0.1:7001"], config.Listen);
        Assert.Equal(["10.0.0.9:6379"], config.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(1.5), config.OperationTimeout);
        Assert.Contains(config.Notes, n => n.EnvoyPath == "static_resources.listeners[1].filter_chains[0].filters[0].typed_config"
            && n.Reason.StartsWith("a second redis_proxy filter", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_NoRedisProxy_ReturnsError()
    {
        Assert.Null(EnvoyImporter.Import("static_resources:\n  listeners: []\n", out string? error));
        Assert.Contains("no envoy.filters.network.redis_proxy filter", error, StringComparison.Ordinal);
        Assert.Null(EnvoyImporter.Import("a: [unclosed", out error));
        Assert.StartsWith("not valid YAML", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FileAndOutput_WritesYamlAndListsNotesOnStandardError()
    {
        string input = Path.Combine(Path.GetTempPath(), $"envoy-{Guid.NewGuid():N}.yaml");
        string output = input + ".slotgate.yaml";
        File.WriteAllText(input, EnvoyConfigs.GatewayWaypoint);
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.Equal(0, EnvoyImportCommand.Run([input, "-o", output], stdout, stderr));
            Assert.Contains("redis.external-redis:7000", File.ReadAllText(output), StringComparison.Ordinal);
            Assert.Contains("2 field(s) not carried over", stderr.ToString(), StringComparison.Ordinal);
            Assert.Contains("dns_cache_config", stderr.ToString(), StringComparison.Ordinal);

            Assert.Equal(2, EnvoyImportCommand.Run([], stdout, stderr));
            Assert.Equal(1, EnvoyImportCommand.Run([input + ".missing"], stdout, stderr));
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }
}
