using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Slotgate.Proxy;

namespace Slotgate.Tests.Proxy;

/// <summary>limits.pubsubOutputBufferLimit (Redis's client-output-buffer-limit pubsub) and the pending-bytes budgets.</summary>
[Collection(ProxyCollection.Name)]
public class OutputLimitsTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Push_SubscriberNeverReads_ClosedAtLimitOthersServed()
    {
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            Limits = o.Limits with { PubSubOutputBufferLimit = 1024 * 1024 },
        });
        // A subscriber with a tiny receive buffer that subscribes and then never reads again.
        using var subscriber = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await subscriber.ConnectAsync(server.Endpoints[0]);
        await subscriber.SendAsync(RequestFrame.Encode("SUBSCRIBE", "limits:flood"));
        byte[] confirmation = new byte[256];
        Assert.True(await subscriber.ReceiveAsync(confirmation) > 0);

        await using var publisher = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        string payload = new('x', 64 * 1024);
        // PUBLISH counts only the receiving node's subscribers, so its replies say nothing here: the messages reach
        // Slotgate's subscription through the cluster bus whichever primary takes them.
        for (int i = 0; i < 600; i++)
        {
            Assert.False((await publisher.CallAsync("PUBLISH", "limits:flood", payload)).IsError);
        }

        // Well past the limit: the subscriber is closed (after whatever was already on its way), the publisher is fine.
        await Wait.UntilAsync(() => !server.Services.GetRequiredService<CommandDispatcher>().Clients.All().Any(s => s.Subscribed), TimeSpan.FromSeconds(10));
        Assert.Equal("PONG", (await publisher.CallAsync("PING")).Text);
        // What was already in the socket buffers still arrives, then the connection ends.
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        byte[] scratch = new byte[64 * 1024];
        long drained = 0;
        try
        {
            int read;
            while ((read = await subscriber.ReceiveAsync(scratch, SocketFlags.None, reading.Token)) > 0)
            {
                drained += read;
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
        }
        Assert.InRange(drained, 0, 600L * payload.Length - 1);
    }

    [Fact]
    public async Task PendingBytes_PipelineOfLargeWritesToStalledNode_HeldToBudgetAllAnsweredInOrder()
    {
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            Limits = o.Limits with { MaxPendingBytesPerClient = 4 * 1024 * 1024 },
        });
        int slot = Slotgate.Cluster.HashSlot.Of("{budget}"u8);
        Slotgate.Demo.LocalRedisNode owner = fixture.Cluster.Primaries.Single(p => fixture.Server.Topology.Current.GetShard(slot)!.Primary.Endpoint == p.Endpoint);
        await owner.ExecuteAsync(["CLIENT", "PAUSE", "1500", "WRITE"]);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        string value = new('v', 1024 * 1024);
        byte[] pipeline = [.. Enumerable.Range(0, 20).SelectMany(i => RespTestClient.Encode("SET", "{budget}k" + i, value))];
        Task sending = client.SendRawAsync(pipeline);
        await Task.Delay(700);
        // While the node is paused, Slotgate has read only about the budget's worth of this client's commands.
        long held = server.Services.GetRequiredService<CommandDispatcher>().Metrics.InflightBytes;
        Assert.InRange(held, 1, 6L * 1024 * 1024);
        await sending;
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("OK", (await client.ReadAsync(TimeSpan.FromSeconds(20))).Text);
        }
        Assert.Equal(value.Length, (await client.CallAsync("STRLEN", "{budget}k19")).Integer);
        // The cluster is shared: leave no 20 MB behind on one primary.
        Assert.Equal(20, (await client.CallAsync(["DEL", .. Enumerable.Range(0, 20).Select(i => "{budget}k" + i)])).Integer);
    }

    [Fact]
    public async Task PendingBytes_ClientNeverReadsLargeReplies_NoMoreReadPastBudgetOthersServed()
    {
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            Limits = o.Limits with { MaxPendingBytesPerClient = 8 * 1024 * 1024 },
        });
        await using (var writer = await RespTestClient.ConnectAsync(server.Endpoints[0]))
        {
            Assert.Equal("OK", (await writer.CallAsync("SET", "budget:big", new string('r', 2 * 1024 * 1024))).Text);
        }
        using var reader = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await reader.ConnectAsync(server.Endpoints[0]);
        // Ten bursts of five GETs: replies are sized only when they arrive, so a burst read at once is answered whole,
        // but once the replies waiting for this client pass its budget, nothing more is read from it.
        byte[] burst = [.. Enumerable.Range(0, 5).SelectMany(_ => RespTestClient.Encode("GET", "budget:big"))];
        for (int i = 0; i < 10; i++)
        {
            await reader.SendAsync(burst);
            await Task.Delay(100);
        }
        var dispatcher = server.Services.GetRequiredService<CommandDispatcher>();
        await Task.Delay(500);
        // 50 replies of 2 MB would be 100 MB; the budget keeps what waits for this client to its first burst or two.
        Assert.InRange(dispatcher.ReplyBytesWaiting, 1, 22L * 1024 * 1024);
        await using var other = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("PONG", (await other.CallAsync("PING")).Text);
        Assert.Equal(1, (await other.CallAsync("DEL", "budget:big")).Integer);
    }
}
