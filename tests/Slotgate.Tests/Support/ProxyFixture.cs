using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Slotgate.Tests.Support;

/// <summary>
/// A real 3-primary/3-replica cluster with Slotgate in front of it, in-process on a free loopback port. Shared by the
/// "proxy" collection; tests there must not change the topology (those start their own with <see cref="StartAsync"/>).
/// </summary>
public sealed class ProxyFixture : IAsyncLifetime
{
    private LocalRedisCluster? _cluster;
    private SlotgateServer? _server;
    private ConnectionMultiplexer? _redis;

    internal LocalRedisCluster Cluster => _cluster!;

    internal SlotgateServer Server => _server!;

    public IPEndPoint Endpoint => Server.Endpoints[0];

    /// <summary>A StackExchange.Redis connection to Slotgate, configured as for a single standalone server.</summary>
    public ConnectionMultiplexer Redis => _redis!;

    public IDatabase Db => Redis.GetDatabase();

    internal Task<RespTestClient> ConnectRawAsync() => RespTestClient.ConnectAsync(Endpoint);

    public async Task InitializeAsync()
    {
        _cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        _server = await StartProxyAsync(_cluster);
        _redis = await ConnectStackExchangeAsync(Endpoint);
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Starts Slotgate in front of <paramref name="cluster"/> on a free port.</summary>
    internal static Task<SlotgateServer> StartProxyAsync(LocalRedisCluster cluster, Func<SlotgateOptions, SlotgateOptions>? configure = null)
    {
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [cluster.SeedEndpoints[0]], RefreshInterval = TimeSpan.FromSeconds(2) },
            // Generous: CI machines are loaded (two clusters start and fork at once); tests of timeouts set their own.
            Backend = new BackendOptions { OperationTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(1) },
            // Tests run many servers at once: each admin API on a port of its own.
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
        };
        options = configure?.Invoke(options) ?? options;
        return SlotgateServer.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    internal static Task<ConnectionMultiplexer> ConnectStackExchangeAsync(IPEndPoint endpoint) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { endpoint },
            AbortOnConnectFail = true,
            ConnectTimeout = 10_000,
            SyncTimeout = 10_000,
            AsyncTimeout = 10_000,
        });
}

[CollectionDefinition(Name)]
public sealed class ProxyCollection : ICollectionFixture<ProxyFixture>
{
    public const string Name = "proxy";
}
