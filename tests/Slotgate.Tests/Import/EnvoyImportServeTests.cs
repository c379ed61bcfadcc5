using Microsoft.Extensions.Logging;
using Slotgate.Import;

namespace Slotgate.Tests.Import;

/// <summary>Imported configurations run: Slotgate starts from the written file and serves a real cluster.</summary>
[Collection(ProxyCollection.Name)]
public class EnvoyImportServeTests(ProxyFixture fixture)
{
    /// <summary>
    /// Writes <paramref name="config"/>, loads it with the test cluster's seed and a free port (the inputs name
    /// Kubernetes services), starts Slotgate and checks SET/GET through it.
    /// </summary>
    private async Task<SlotgateOptions> ServeAsync(ImportedConfig config)
    {
        string file = Path.Combine(Path.GetTempPath(), $"slotgate-imported-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, ImportedConfigWriter.Write(config, "envoy.yaml"));
        SlotgateConfigLoadResult result;
        try
        {
            result = SlotgateConfiguration.Load(
                ["--config", file, "--seed", fixture.Cluster.SeedEndpoints[0], "--listen", "127.0.0.1:0", "--admin:listen=off"], new Dictionary<string, string?>());
        }
        finally
        {
            File.Delete(file);
        }
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));

        await using SlotgateServer server = await SlotgateServer.StartAsync(result.Options, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", $"imported:{i}", "bar")).Text);
        }
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("bar", (await client.CallAsync("GET", $"imported:{i}")).Text);
        }
        return result.Options;
    }

    private static ImportedConfig Import(string yaml) => EnvoyImporter.Import(yaml, out _)!;

    [Fact]
    public async Task Serve_ImportedGatewayWaypoint_SetAndGetThroughSlotgate()
    {
        SlotgateOptions options = await ServeAsync(Import(EnvoyConfigs.GatewayWaypoint));
        Assert.Equal(TimeSpan.FromSeconds(5), options.Backend.OperationTimeout);
    }

    [Fact]
    public async Task Serve_ImportedBareRedisProxy_WithItsFaultsAndReadPolicy()
    {
        ImportedConfig config = Import(EnvoyConfigs.BareRedisProxy);
        // Client authentication (auth.users) is read once that feature is merged; its mapping is tested in EnvoyImporterTests.
        config.Users.Clear();
        // The imported 10 % error fault on GET would make this check random; the delay fault (25 %, 200 ms) stays.
        config.Faults.RemoveAt(0);
        SlotgateOptions options = await ServeAsync(config);
        Assert.Equal("prefer-replica", options.Routing.ReadFrom);
    }

    [Fact]
    public async Task Serve_ImportedBootstrap_NoRedirectsFollowedLikeEnvoyWithoutRedirection()
    {
        ImportedConfig config = Import(EnvoyConfigs.Bootstrap);
        // The test cluster has no ACL user "proxy".
        config.Username = null;
        config.Password = null;
        SlotgateOptions options = await ServeAsync(config);
        Assert.Equal(0, options.Routing.MaxRedirects);
    }

    [Fact]
    public async Task Serve_ImportedMultiClusterRoutesMirrorAndFault_EachKeyWhereEnvoySentIt()
    {
        using var cache = new RedisServerFixture();
        using var shadow = new RedisServerFixture();
        string[] seed = fixture.Cluster.SeedEndpoints[0].Split(':');
        string yaml = $$"""
            static_resources:
              listeners:
              - name: redis
                address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                filter_chains:
                - filters:
                  - name: envoy.filters.network.redis_proxy
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy
                      stat_prefix: redis
                      settings: { op_timeout: 5s }
                      prefix_routes:
                        routes:
                        - prefix: "cache:"
                          cluster: cache
                          remove_prefix: true
                          key_formatter: "{%KEY%}"
                          request_mirror_policy:
                          - cluster: shadow
                            exclude_read_commands: true
                        catch_all_route:
                          cluster: main
                      faults:
                      - fault_type: ERROR
                        fault_enabled: { default_value: { numerator: 100, denominator: HUNDRED } }
                        commands: [ ECHO ]
              clusters:
              - name: main
                cluster_type: { name: envoy.clusters.redis }
                load_assignment:
                  cluster_name: main
                  endpoints: [ { lb_endpoints: [ { endpoint: { address: { socket_address: { address: {{seed[0]}}, port_value: {{seed[1]}} } } } } ] } ]
              - name: cache
                type: STATIC
                load_assignment:
                  cluster_name: cache
                  endpoints: [ { lb_endpoints: [ { endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: {{cache.Port}} } } } } ] } ]
              - name: shadow
                type: STATIC
                load_assignment:
                  cluster_name: shadow
                  endpoints: [ { lb_endpoints: [ { endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: {{shadow.Port}} } } } } ] } ]
            """;
        ImportedConfig config = Import(yaml);
        string file = Path.Combine(Path.GetTempPath(), $"slotgate-imported-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, ImportedConfigWriter.Write(config, "envoy.yaml"));
        SlotgateConfigLoadResult result;
        try
        {
            result = SlotgateConfiguration.Load(["--config", file, "--admin:listen=off"], new Dictionary<string, string?>());
        }
        finally
        {
            File.Delete(file);
        }
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));

        await using SlotgateServer server = await SlotgateServer.StartAsync(result.Options, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", "cache:user", "cached")).Text);
        Assert.Equal("cached", (await client.CallAsync("GET", "cache:user")).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", "plain:user", "main")).Text);
        Assert.Equal(Slotgate.Faults.FaultInjector.ErrorReply, (await client.CallAsync("ECHO", "hi")).Text);

        using RespTestClient cacheClient = cache.Connect();
        Assert.Equal("cached", cacheClient.Call("GET", "{user}").Text);
        using RespTestClient shadowClient = shadow.Connect();
        for (int i = 0; i < 100 && shadowClient.Call("GET", "{user}").Text is null; i++)
        {
            await Task.Delay(20);
        }
        Assert.Equal("cached", shadowClient.Call("GET", "{user}").Text);
        Assert.Equal("main", (string?)await fixture.Db.StringGetAsync("plain:user"));
    }
}
