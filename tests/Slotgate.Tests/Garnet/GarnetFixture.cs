using System.Net;
using Microsoft.Extensions.Logging;

namespace Slotgate.Tests.Garnet;

/// <summary>
/// One 3-primary Garnet cluster with Slotgate in front of it, shared by the <c>"garnet"</c> collection so the suite
/// starts Garnet once. Tests may move a slot (they read owners from Slotgate's current map, never assume them) but
/// must leave every node running.
/// </summary>
public sealed class GarnetFixture : IAsyncLifetime
{
    private GarnetCluster? _cluster;
    private SlotgateServer? _server;

    internal GarnetCluster Cluster => _cluster ?? throw new InvalidOperationException(GarnetCluster.InstallHint);

    internal SlotgateServer Server => _server ?? throw new InvalidOperationException(GarnetCluster.InstallHint);

    public IPEndPoint Endpoint => Server.Endpoints[0];

    internal Task<RespTestClient> ConnectAsync() => RespTestClient.ConnectAsync(Endpoint);

    public async Task InitializeAsync()
    {
        _cluster = await GarnetCluster.StartAsync();
        _server = await SlotgateServer.StartAsync(new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [_cluster.Endpoints[0]], RefreshInterval = TimeSpan.FromSeconds(2) },
            Backend = new BackendOptions { OperationTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(1) },
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
        }, logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GarnetCollection : ICollectionFixture<GarnetFixture>
{
    public const string Name = "garnet";
}
