namespace Slotgate.Tests.Proxy;

/// <summary>Pub/sub through Slotgate: messages published on any shard reach subscribers; RESP2 subscribed-mode rules.</summary>
[Collection(ProxyCollection.Name)]
public class PubSubTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Subscribe_PublishedThroughEveryShard_ReceivesAll()
    {
        await using var subscriber = await fixture.ConnectRawAsync();
        await using var publisher = await fixture.ConnectRawAsync();
        RespValue confirm = await subscriber.CallAsync("SUBSCRIBE", "news", "alerts");
        Assert.Equal(["subscribe", "news", "1"], confirm.Items!.Select(i => i.ToString()));
        RespValue second = await subscriber.ReadAsync();
        Assert.Equal(["subscribe", "alerts", "2"], second.Items!.Select(i => i.ToString()));

        // PUBLISH through Slotgate goes to one primary; Redis Cluster propagates it to every node. Publish also straight on
        // every primary, as other applications might: the subscriber sees them all.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(':', (await publisher.CallAsync("PUBLISH", "news", $"n{i}")).Type);
        }
        var expected = new List<string> { "n0", "n1", "n2" };
        foreach (var primary in fixture.Cluster.Primaries)
        {
            await fixture.Cluster.ExecuteAsync(primary, "PUBLISH", "news", "direct-" + primary.Port);
            expected.Add("direct-" + primary.Port);
        }
        var received = new List<string>();
        for (int i = 0; i < expected.Count; i++)
        {
            RespValue message = await subscriber.ReadAsync();
            Assert.Equal("message", message.Items![0].Text);
            Assert.Equal("news", message.Items[1].Text);
            received.Add(message.Items[2].Text!);
        }
        // Messages from one publisher keep their order; different sources interleave as the cluster bus delivers them.
        Assert.Equal(["n0", "n1", "n2"], received.Where(m => m.StartsWith('n')));
        Assert.Equal(expected.Order(), received.Order());
    }

    [Fact]
    public async Task Psubscribe_PatternMessage_DeliveredAsPmessage()
    {
        await using var subscriber = await fixture.ConnectRawAsync();
        await using var publisher = await fixture.ConnectRawAsync();
        Assert.Equal("psubscribe", (await subscriber.CallAsync("PSUBSCRIBE", "orders.*")).Items![0].Text);
        await publisher.CallAsync("PUBLISH", "orders.eu", "o-1");
        RespValue message = await subscriber.ReadAsync();
        Assert.Equal(["pmessage", "orders.*", "orders.eu", "o-1"], message.Items!.Select(m => m.ToString()));
    }

    [Fact]
    public async Task SubscribedMode_OtherCommandsRefused_PingAnswersAsPubSub_UnsubscribeLeaves()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("SUBSCRIBE", "mode-test");
        RespValue get = await client.CallAsync("GET", "x");
        Assert.Equal("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", get.Text);
        RespValue ping = await client.CallAsync("PING");
        Assert.Equal(["pong", ""], ping.Items!.Select(i => i.Text));
        RespValue unsubscribe = await client.CallAsync("UNSUBSCRIBE");
        Assert.Equal(["unsubscribe", "mode-test", "0"], unsubscribe.Items!.Select(i => i.ToString()));
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", "pubsub:after", "1")).Text);
    }

    [Fact]
    public async Task Unsubscribe_NeverSubscribed_RedisReply()
    {
        await using var client = await fixture.ConnectRawAsync();
        RespValue reply = await client.CallAsync("UNSUBSCRIBE");
        Assert.Equal("unsubscribe", reply.Items![0].Text);
        Assert.True(reply.Items[1].IsNull);
        Assert.Equal(0, reply.Items[2].Integer);
    }

    [Fact]
    public async Task Ssubscribe_ShardChannelsOnEveryShard_SpublishReachesThem()
    {
        await using var subscriber = await fixture.ConnectRawAsync();
        await using var publisher = await fixture.ConnectRawAsync();
        // One shard channel per primary.
        var channels = new List<string>();
        var owners = new HashSet<string>();
        for (int i = 0; channels.Count < 3; i++)
        {
            string channel = $"shardch:{i}";
            string owner = fixture.Server.Topology.Current.GetShard(HashSlot.Of(Encoding.UTF8.GetBytes(channel)))!.Primary.Endpoint;
            if (owners.Add(owner))
            {
                channels.Add(channel);
            }
        }
        foreach (string channel in channels)
        {
            RespValue confirm = await subscriber.CallAsync("SSUBSCRIBE", channel);
            Assert.Equal("ssubscribe", confirm.Items![0].Text);
        }
        foreach (string channel in channels)
        {
            Assert.Equal(1, (await publisher.CallAsync("SPUBLISH", channel, "hello " + channel)).Integer);
        }
        var received = new List<string>();
        for (int i = 0; i < channels.Count; i++)
        {
            RespValue message = await subscriber.ReadAsync();
            Assert.Equal("smessage", message.Items![0].Text);
            received.Add(message.Items[2].Text!);
        }
        Assert.Equal(channels.Select(c => "hello " + c).Order(), received.Order());
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", (await subscriber.CallAsync("SSUBSCRIBE", channels[0], channels[1])).Text);
    }

    [Fact]
    public async Task StackExchangeRedis_SubscribeAndPublish_Works()
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        StackExchange.Redis.ISubscriber sub = fixture.Redis.GetSubscriber();
        await sub.SubscribeAsync(StackExchange.Redis.RedisChannel.Literal("se-events"), (_, value) => received.TrySetResult(value!));
        await fixture.Db.PublishAsync(StackExchange.Redis.RedisChannel.Literal("se-events"), "hello");
        Assert.Equal("hello", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task PubsubIntrospection_SubscribersOnProxyAndReplica_AggregatedOverAllNodes()
    {
        // The replicas must be in Slotgate's map (they are learned once attached and in sync).
        await Wait.UntilReplicasHealthyAsync(fixture.Server, TimeSpan.FromSeconds(15));
        await using var viaProxy = await fixture.ConnectRawAsync();
        await viaProxy.CallAsync("SUBSCRIBE", "introspect-a");
        await viaProxy.CallAsync("PSUBSCRIBE", "introspect-*");
        // A subscriber connected straight to a replica, as another application might be.
        var replica = fixture.Cluster.Replicas[0];
        await using var direct = await RespTestClient.ConnectAsync(System.Net.IPEndPoint.Parse(replica.Endpoint));
        await direct.CallAsync("SUBSCRIBE", "introspect-a");

        await using var client = await fixture.ConnectRawAsync();
        RespValue channels = await client.CallAsync("PUBSUB", "CHANNELS", "introspect-*");
        Assert.Equal(["introspect-a"], channels.Items!.Select(c => c.Text));
        RespValue numsub = await client.CallAsync("PUBSUB", "NUMSUB", "introspect-a", "introspect-none");
        Assert.Equal(["introspect-a", "2", "introspect-none", "0"], numsub.Items!.Select(i => i.ToString()));
        Assert.True((await client.CallAsync("PUBSUB", "NUMPAT")).Integer >= 1);
    }

    [Fact]
    public async Task SubscriberDisconnectsAtOnce_SessionEnds()
    {
        var clients = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Slotgate.Proxy.CommandDispatcher>(fixture.Server.Services).Clients;
        int before = clients.Count;
        for (int i = 0; i < 20; i++)
        {
            var client = await fixture.ConnectRawAsync();
            await client.SendAsync("SUBSCRIBE", $"gone-{i}", "gone-b");
            await client.DisposeAsync();
        }
        await Wait.UntilAsync(() => clients.Count <= before, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Sunsubscribe_AllOverSeveralShards_CountsDownThenConnectionsReused()
    {
        await using var client = await fixture.ConnectRawAsync();
        var channels = new List<string>();
        var owners = new HashSet<string>();
        for (int i = 0; channels.Count < 3; i++)
        {
            string channel = $"sunsub:{i}";
            if (owners.Add(fixture.Server.Topology.Current.GetShard(HashSlot.Of(Encoding.UTF8.GetBytes(channel)))!.Primary.Endpoint))
            {
                channels.Add(channel);
            }
        }
        for (int i = 0; i < channels.Count; i++)
        {
            Assert.Equal(i + 1, (await client.CallAsync("SSUBSCRIBE", channels[i])).Items![2].Integer);
        }
        await client.SendAsync("SUNSUBSCRIBE");
        var counts = new List<long>();
        for (int i = 0; i < channels.Count; i++)
        {
            RespValue frame = await client.ReadAsync();
            Assert.Equal("sunsubscribe", frame.Items![0].Text);
            counts.Add(frame.Items[2].Integer);
        }
        Assert.Equal([2, 1, 0], counts);
        // The shard connections are used again: a new subscription is confirmed with the right count.
        Assert.Equal(1, (await client.CallAsync("SSUBSCRIBE", channels[0])).Items![2].Integer);
        Assert.Equal(0, (await client.CallAsync("SUNSUBSCRIBE", channels[0])).Items![2].Integer);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }
}
