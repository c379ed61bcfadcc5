using Microsoft.Extensions.Logging.Abstractions;
using Slotgate.Backend;

namespace Slotgate.Tests.Cluster;

/// <summary>
/// Seeds given by DNS name are resolved again at every connect: when every known node is gone (all pods recreated with
/// new IPs), the refresher falls back to the seeds and finds the cluster at its new addresses.
/// </summary>
public class SeedReresolutionTests
{
    private const string Seed = "redis-0.redis:6379";
    private const string OldNode = "10.0.0.1:6379";
    private const string NewNode = "10.0.0.2:6379";

    [Fact]
    public async Task Refresh_AllKnownNodesGoneSeedNowResolvesElsewhere_FindsClusterAtNewAddress()
    {
        var connector = new ResolvingConnector();
        connector.AddNode(OldNode);
        connector.AddNode(NewNode);
        connector.Point(Seed, OldNode);
        var settings = new BackendSettings { ConnectTimeout = TimeSpan.FromSeconds(1), ReconnectBackoffMin = TimeSpan.FromMilliseconds(1) };
        await using var pool = new BackendPool(settings, connector, NullLogger<BackendPool>.Instance);
        await using var topology = new TopologyRefresher(
            pool, new TopologySettings { Seeds = [Seed], Timeout = TimeSpan.FromSeconds(1) }, NullLogger<TopologyRefresher>.Instance);

        Assert.True(await topology.RefreshAsync());
        Assert.Equal(OldNode, topology.Current.Shards.Single().Primary.Endpoint);

        // The pod is recreated: the old address is gone and the name now resolves to the new one.
        connector.Kill(OldNode);
        connector.Point(Seed, NewNode);
        await Task.Delay(50);

        Assert.True(await topology.RefreshAsync(), topology.LastError);
        Assert.Equal(NewNode, topology.Current.Shards.Single().Primary.Endpoint);
    }
}
