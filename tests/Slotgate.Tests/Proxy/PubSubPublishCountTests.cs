using System.Net;
using Slotgate.Protocol;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// PUBLISH through Slotgate answers the receivers as one Redis would: every client subscribed through Slotgate counts,
/// whichever node its subscription sits on, and never fewer than the node that took the PUBLISH counts itself.
/// </summary>
[Collection(ProxyCollection.Name)]
public class PubSubPublishCountTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Publish_ZeroOneTwoSubscribersOnChannelsOfEveryNode_CountsThem()
    {
        string tag = "count-" + Guid.NewGuid().ToString("N");
        await using var publisher = await fixture.ConnectRawAsync();
        await using var first = await fixture.ConnectRawAsync();
        await using var second = await fixture.ConnectRawAsync();
        foreach (var primary in fixture.Cluster.Primaries)
        {
            // A channel whose slot lives on this primary (PUBLISH ignores the slot, but the count must not depend on it).
            string channel = TestKeys.OwnedBy(fixture.Server, primary.Endpoint, tag);
            Assert.Equal(0, (await publisher.CallAsync("PUBLISH", channel, "m")).Integer);
            Assert.Equal(["subscribe", channel, "1"], (await CallSkippingMessagesAsync(first, "SUBSCRIBE", channel)).Items!.Select(i => i.ToString()));
            Assert.Equal(1, (await publisher.CallAsync("PUBLISH", channel, "m")).Integer);
            Assert.Equal(["subscribe", channel, "1"], (await CallSkippingMessagesAsync(second, "SUBSCRIBE", channel)).Items!.Select(i => i.ToString()));
            Assert.Equal(2, (await publisher.CallAsync("PUBLISH", channel, "m")).Integer);
            Assert.Equal(["message", channel, "m"], (await first.ReadAsync()).Items!.Select(i => i.ToString()));
            Assert.Equal(["message", channel, "m"], (await second.ReadAsync()).Items!.Select(i => i.ToString()));
            // A node passes a PUBLISH to the others over the cluster bus after answering it, so a subscription made
            // just after a PUBLISH may still receive it, and a message the node sent before a confirmation may follow
            // it (Slotgate answers a command before pushes that arrived while it was pending): such messages are skipped.
            Assert.Equal("unsubscribe", (await CallSkippingMessagesAsync(first, "UNSUBSCRIBE", channel)).Items![0].Text);
            Assert.Equal("unsubscribe", (await CallSkippingMessagesAsync(second, "UNSUBSCRIBE", channel)).Items![0].Text);
            Assert.Equal(0, (await publisher.CallAsync("PUBLISH", channel, "m")).Integer);
        }
    }

    [Fact]
    public async Task Publish_PatternAndChannelSubscribers_CountedPerMatchingSubscription()
    {
        string channel = "orders." + Guid.NewGuid().ToString("N") + ".eu";
        string prefix = channel[..^3];
        await using var publisher = await fixture.ConnectRawAsync();
        await using var both = await fixture.ConnectRawAsync();
        await using var patterns = await fixture.ConnectRawAsync();
        await both.CallAsync("SUBSCRIBE", channel);
        await both.CallAsync("PSUBSCRIBE", prefix + ".*");
        await patterns.CallAsync("PSUBSCRIBE", prefix + ".e?", prefix + ".[a-e]u", prefix + ".us", prefix + "\\*");
        await patterns.ReadAsync();
        await patterns.ReadAsync();
        await patterns.ReadAsync();
        // As Redis: one per channel subscription, plus one per client and matching pattern (the same client counts twice).
        Assert.Equal(4, (await publisher.CallAsync("PUBLISH", channel, "m")).Integer);
        Assert.Equal(2, (await publisher.CallAsync("PUBLISH", prefix + ".us", "m")).Integer);
        for (int i = 0; i < 3; i++)
        {
            Assert.Contains((await both.ReadAsync()).Items![0].Text, new[] { "message", "pmessage" });
        }
        Assert.Equal("punsubscribe", (await both.CallAsync("PUNSUBSCRIBE")).Items![0].Text);
        Assert.Equal(3, (await publisher.CallAsync("PUBLISH", channel, "m")).Integer);
    }

    [Fact]
    public async Task Publish_SubscriberDisconnects_NoLongerCounted()
    {
        string channel = "gone-" + Guid.NewGuid().ToString("N");
        await using var publisher = await fixture.ConnectRawAsync();
        var subscriber = await fixture.ConnectRawAsync();
        await subscriber.CallAsync("SUBSCRIBE", channel, channel);
        await subscriber.ReadAsync();
        await subscriber.CallAsync("PSUBSCRIBE", channel[..^1] + "*");
        Assert.Equal(2, (await publisher.CallAsync("PUBLISH", channel, "m")).Integer);
        await subscriber.DisposeAsync();
        await Wait.UntilAsync(async () => (await publisher.CallAsync("PUBLISH", channel, "m")).Integer == 0, what: "the subscriber's leaving counted");
    }

    [Fact]
    public async Task Publish_SubscribersDirectlyOnEveryNode_NodeCountKept()
    {
        string channel = "direct-" + Guid.NewGuid().ToString("N");
        var direct = new List<RespTestClient>();
        try
        {
            foreach (var primary in fixture.Cluster.Primaries)
            {
                for (int i = 0; i < 2; i++)
                {
                    var client = await RespTestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, primary.Port));
                    await client.CallAsync("SUBSCRIBE", channel);
                    direct.Add(client);
                }
            }
            await using var publisher = await fixture.ConnectRawAsync();
            // Whichever primary takes the PUBLISH counts its own two subscribers; none is subscribed through Slotgate.
            Assert.Equal(2, (await publisher.CallAsync("PUBLISH", channel, "m")).Integer);
            await using var throughSlotgate = await fixture.ConnectRawAsync();
            await throughSlotgate.CallAsync("SUBSCRIBE", channel);
            long count = (await publisher.CallAsync("PUBLISH", channel, "m")).Integer;
            // The larger of the node's count (2, or 3 when Slotgate's subscription sits on that node) and Slotgate's (1).
            Assert.InRange(count, 2, 3);
            Assert.Equal("m", (await throughSlotgate.ReadAsync()).Items![2].Text);
        }
        finally
        {
            foreach (RespTestClient client in direct)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Spublish_ShardSubscriberThroughSlotgate_CountedByOwningNode()
    {
        string channel = "shard-" + Guid.NewGuid().ToString("N");
        await using var publisher = await fixture.ConnectRawAsync();
        await using var subscriber = await fixture.ConnectRawAsync();
        Assert.Equal(0, (await publisher.CallAsync("SPUBLISH", channel, "m")).Integer);
        await subscriber.CallAsync("SSUBSCRIBE", channel);
        Assert.Equal(1, (await publisher.CallAsync("SPUBLISH", channel, "m")).Integer);
        Assert.Equal("smessage", (await subscriber.ReadAsync()).Items![0].Text);
    }

    /// <summary>Sends a (un)subscribe command and returns its confirmation, skipping messages read before it.</summary>
    private static async Task<RespValue> CallSkippingMessagesAsync(RespTestClient client, params string[] command)
    {
        await client.SendAsync(command);
        while (true)
        {
            RespValue reply = await client.ReadAsync();
            if (reply.Items?[0].Text != "message")
            {
                return reply;
            }
        }
    }
}
