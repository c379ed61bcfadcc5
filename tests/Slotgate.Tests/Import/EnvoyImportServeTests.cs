using Microsoft.Extensions.Logging;
using Slotgate.Configuration;
using Slotgate.Hosting;
using Slotgate.Import;
using Slotgate.Tests.Support;

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
                ["--config", file, "--seed", fixture.Cluster.SeedEndpoints[0], "--listen", "127.0.0.1:0"], new Dictionary<string, string?>());
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
}
