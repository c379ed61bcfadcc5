namespace Slotgate.Tests.Proxy;

public class BlockedClientLimitTests
{
    [Fact]
    public async Task MaxBlockedClients_Exceeded_ClearErrorOthersUnaffected()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        await using var server = await ProxyFixture.StartProxyAsync(cluster, o => o with { Limits = o.Limits with { MaxBlockedClients = 2 } });
        var clients = new List<RespTestClient>();
        for (int i = 0; i < 3; i++)
        {
            clients.Add(await RespTestClient.ConnectAsync(server.Endpoints[0]));
        }
        await clients[0].SendAsync("BLPOP", "limit:a", "2");
        await clients[1].SendAsync("BLPOP", "limit:b", "2");
        await Task.Delay(300);
        RespValue refused = await clients[2].CallAsync("BLPOP", "limit:c", "2");
        Assert.Equal("ERR Slotgate: too many blocked clients (limits.maxBlockedClients = 2)", refused.Text);
        Assert.Equal("PONG", (await clients[2].CallAsync("PING")).Text);
        Assert.True((await clients[0].ReadAsync()).IsNull);
        Assert.True((await clients[1].ReadAsync()).IsNull);
        Assert.True((await clients[2].CallAsync("BLPOP", "limit:c", "0.1")).IsNull);
        foreach (RespTestClient client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
