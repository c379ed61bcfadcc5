using Slotgate.Cluster;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// Client-side caching when the cluster changes under it: a slot migration, a failover, the tracking table's cap.
/// Each test starts its own cluster and Slotgate.
/// </summary>
public class TrackingTopologyTests
{
    [Fact]
    public async Task Tracking_SlotMigrated_ClientToldToFlush()
    {
        await using Setup setup = await Setup.StartAsync();
        (LocalRedisCluster cluster, _, RespTestClient reader) = setup;
        await reader.CallAsync("SET", "trkmig", "1");
        Assert.Equal("1", (await reader.CallAsync("GET", "trkmig")).Text);

        int slot = HashSlot.Of("trkmig"u8);
        LocalRedisNode source = await cluster.GetSlotOwnerAsync(slot);
        await cluster.MigrateSlotAsync(slot, cluster.Primaries.First(p => p != source));

        // Moving the key may invalidate it by name first (the source deletes it); the new owner means a flush.
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        string[]? keys = ["?"];
        while (keys is not null && DateTime.UtcNow < deadline)
        {
            keys = TrackingTests.InvalidatedKeys(await TrackingTests.NextPushAsync(reader, TimeSpan.FromSeconds(20)));
        }
        Assert.Null(keys);
        Assert.Equal("1", (await reader.CallAsync("GET", "trkmig")).Text);
    }

    [Fact]
    public async Task Tracking_PrimaryFailsOver_ClientToldToFlushAndStillInvalidated()
    {
        await using Setup setup = await Setup.StartAsync();
        (LocalRedisCluster cluster, SlotgateServer server, RespTestClient reader) = setup;
        await reader.CallAsync("GET", "trkfail");

        int slot = HashSlot.Of("trkfail"u8);
        LocalRedisNode primary = await cluster.GetSlotOwnerAsync(slot);
        LocalRedisNode replica = cluster.GetReplicasOf(primary)[0];
        await cluster.FailoverAsync(replica);
        Assert.Null(TrackingTests.InvalidatedKeys(await TrackingTests.NextPushAsync(reader, TimeSpan.FromSeconds(20))));

        // The new primary's changes reach the client too, once Slotgate listens to it.
        await using RespTestClient writer = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await Wait.UntilAsync(() => server.Topology.Current.GetShard(slot)?.Primary.Endpoint == replica.Endpoint, TimeSpan.FromSeconds(20));
        await Task.Delay(1000);
        await TrackingTests.PushesBeforePingAsync(reader);
        await reader.CallAsync("GET", "trkfail");
        Assert.Equal("OK", (await writer.CallAsync("SET", "trkfail", "new")).Text);
        string[]? keys = TrackingTests.InvalidatedKeys(await TrackingTests.NextPushAsync(reader));
        Assert.True(keys is null || keys.SequenceEqual(["trkfail"]), string.Join(",", keys ?? []));
    }

    [Fact]
    public async Task Tracking_TableOverCap_OldKeyInvalidated()
    {
        await using Setup setup = await Setup.StartAsync(o => o with { Limits = o.Limits with { TrackingTableMaxKeys = 2 } });
        RespTestClient reader = setup.Reader;
        await reader.CallAsync("GET", "trkcap:1");
        await reader.CallAsync("GET", "trkcap:2");
        Assert.Empty(await TrackingTests.PushesBeforePingAsync(reader));
        // The third key is over the cap: the oldest is forgotten, and its invalidation follows the reply.
        Assert.True((await reader.CallAsync("GET", "trkcap:3")).IsNull);
        Assert.Equal(["trkcap:1"], TrackingTests.KeysOf(await TrackingTests.NextPushAsync(reader)));
    }

    /// <summary>A cluster of the test's own, Slotgate in front of it, and a RESP3 client with tracking on.</summary>
    private sealed record Setup(LocalRedisCluster Cluster, SlotgateServer Server, RespTestClient Reader) : IAsyncDisposable
    {
        public static async Task<Setup> StartAsync(Func<SlotgateOptions, SlotgateOptions>? configure = null)
        {
            LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
            SlotgateServer server = await ProxyFixture.StartProxyAsync(cluster, configure);
            return new Setup(cluster, server, await TrackingTests.TrackingClientAsync(server.Endpoints[0]));
        }

        public async ValueTask DisposeAsync()
        {
            await Reader.DisposeAsync();
            await Server.DisposeAsync();
            await Cluster.DisposeAsync();
        }
    }
}
