namespace Slotgate.Tests.Proxy;

/// <summary>
/// A slot moves behind Slotgate's back (its map is stale): a transaction is refused by the old owner (EXECABORT, nothing
/// applied) and run again on the new one; a blocking command follows the MOVED on a new dedicated connection.
/// </summary>
public class PinnedRedirectTests
{
    [Fact]
    public async Task SlotMovedUnderStaleMap_TransactionAndBlpop_FollowWithoutClientSeeingMoved()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        await using var server = await ProxyFixture.StartProxyAsync(cluster, o => o with
        {
            Cluster = o.Cluster with { RefreshInterval = TimeSpan.FromHours(1), RefreshMinInterval = TimeSpan.FromHours(1) },
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", "{moving}:counter", "10")).Text);
        Assert.Equal(1, (await client.CallAsync("RPUSH", "{moving}:queue", "job")).Integer);

        int slot = HashSlot.Of("moving"u8);
        LocalRedisNode source = await cluster.GetSlotOwnerAsync(slot);
        LocalRedisNode target = cluster.Primaries.First(p => p != source);
        await cluster.MigrateSlotAsync(slot, target);
        Assert.Equal(source.Endpoint, server.Topology.Current.GetShard(slot)!.Primary.Endpoint); // stale on purpose

        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.Equal("QUEUED", (await client.CallAsync("INCR", "{moving}:counter")).Text);
        RespValue exec = await client.CallAsync("EXEC");
        Assert.Equal(11, exec.Items![0].Integer);

        RespValue popped = await client.CallAsync("BLPOP", "{moving}:queue", "1");
        Assert.Equal("job", popped.Items![1].Text);
        Assert.Equal(target.Endpoint, server.Topology.Current.GetShard(slot)!.Primary.Endpoint);
    }
}
