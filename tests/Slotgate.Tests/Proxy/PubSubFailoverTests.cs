namespace Slotgate.Tests.Proxy;

/// <summary>A subscriber's node dies: Slotgate re-subscribes elsewhere and the client keeps receiving, unaware.</summary>
public class PubSubFailoverTests
{
    [Fact]
    public async Task SubscriberNodeKilled_SubscriptionReestablished_MessagesKeepArriving()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using var server = await ProxyFixture.StartProxyAsync(cluster);
        await using var subscriber = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await using var publisher = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("subscribe", (await subscriber.CallAsync("SUBSCRIBE", "failover-news")).Items![0].Text);

        // Find the node holding the subscription: its CLIENT LIST shows a client with one subscription.
        LocalRedisNode? holder = null;
        foreach (LocalRedisNode node in cluster.Primaries)
        {
            string clients = await cluster.ExecuteAsync(node, "CLIENT", "LIST");
            if (clients.Contains(" sub=1 ", StringComparison.Ordinal))
            {
                holder = node;
            }
        }
        Assert.NotNull(holder);
        await publisher.CallAsync("PUBLISH", "failover-news", "before");
        Assert.Equal("before", (await subscriber.ReadAsync()).Items![2].Text);

        await holder!.StopAsync();

        // Publish until the re-established subscription delivers again (the cluster may also be failing over).
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        string? received = null;
        var readTask = subscriber.ReadAsync(TimeSpan.FromSeconds(45));
        int n = 0;
        while (received is null && DateTime.UtcNow < deadline)
        {
            await publisher.CallAsync("PUBLISH", "failover-news", $"after-{n++}");
            if (await Task.WhenAny(readTask, Task.Delay(200)) == readTask)
            {
                RespValue message = await readTask;
                Assert.Equal("message", message.Items![0].Text);
                received = message.Items[2].Text;
            }
        }
        Assert.NotNull(received);
        Assert.StartsWith("after-", received, StringComparison.Ordinal);
        await publisher.CallAsync("PUBLISH", "failover-news", "final");
        RespValue next;
        do
        {
            next = await subscriber.ReadAsync(TimeSpan.FromSeconds(10));
        }
        while (next.Items![2].Text != "final");
        Assert.Equal("PONG", (await subscriber.CallAsync("PING")).Items![0].Text?.ToUpperInvariant());
    }
}
