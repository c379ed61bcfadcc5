namespace Slotgate.Tests.Proxy;

/// <summary>prefer-replica: when the replica dies, reads go to the primary at once, with no error for the client.</summary>
public class ReplicaReadFailoverTests
{
    [Fact]
    public async Task PreferReplica_ReplicaKilled_ReadsFallBackToPrimaryWithoutErrors()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using var server = await ProxyFixture.StartProxyAsync(cluster, o => o with { Routing = o.Routing with { ReadFrom = "prefer-replica" } });
        await Wait.UntilReplicasHealthyAsync(server, TimeSpan.FromSeconds(15));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        LocalRedisNode replica = cluster.Replicas[0];
        LocalRedisNode primary = cluster.GetPrimaryOf(replica);
        string key = TestKeys.OwnedBy(server, primary.Endpoint, "replica-read");
        Assert.Equal("OK", (await client.CallAsync("SET", key, "kept")).Text);
        Assert.True((await client.CallAsync("WAIT", "1", "5000")).Integer >= 1);
        Assert.Equal("kept", (await client.CallAsync("GET", key)).Text);

        await replica.StopAsync();
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal("kept", (await client.CallAsync("GET", key)).Text);
            await Task.Delay(20);
        }
    }
}
