using System.Text;
using Slotgate.Cluster;
using Slotgate.Protocol;
using Slotgate.Tests.Support;
using Slotgate.Tests.Support.InMemory;

namespace Slotgate.Tests.Routing;

/// <summary>
/// The router's answers to the cluster's redirects, against in-memory nodes that send them on demand, with the replies
/// Redis sends: <c>-MOVED</c> is followed and patches the map, <c>-ASK</c> is followed with <c>ASKING</c> and leaves the
/// map alone, <c>-TRYAGAIN</c> is retried, and none of them reaches the client unless the redirect budget
/// (<c>routing.maxRedirects</c>, 5) runs out. The same behaviour against a real cluster under a live migration is in
/// <see cref="Proxy.SlotMigrationTests"/> and <see cref="Proxy.PinnedRedirectTests"/>.
/// </summary>
public class RedirectTests
{
    private const string A = "127.0.0.1:7001";
    private const string B = "127.0.0.1:7002";
    private const string Key = "redirect:key";
    private const int MaxRedirects = 5;
    private static readonly int Slot = HashSlot.Of(Encoding.UTF8.GetBytes(Key));

    [Fact]
    public async Task Get_SlotMovedBehindStaleMap_FollowsMovedPatchesMapAndRefreshes()
    {
        var slots = new InMemorySlotTable().Assign(0, HashSlot.Count - 1, A);
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([A, B], slots: slots);
        await using var client = RespTestClient.Over(proxy.Connect().Client);
        InMemoryRedisNode a = proxy.Connector.Node(A), b = proxy.Connector.Node(B);
        int queries = a.TopologyQueries + b.TopologyQueries;
        slots.Assign(Slot, Slot, B);

        Assert.Equal("value", (await client.CallAsync("GET", Key)).Text);

        Assert.Equal((1, 1), (a.RedirectsSent, b.KeyedCommandsServed));
        Assert.Equal(B, proxy.Topology.Current.GetShard(Slot)!.Primary.Endpoint);
        await Wait.UntilAsync(() => a.TopologyQueries + b.TopologyQueries > queries, what: "a refresh after the MOVED");
        // Patched: the next command goes straight to the new owner.
        Assert.Equal("OK", (await client.CallAsync("SET", Key, "v")).Text);
        Assert.Equal((1, 2), (a.RedirectsSent, b.KeyedCommandsServed));
    }

    [Fact]
    public async Task Get_SlotMigrating_FollowsAskWithAskingAndKeepsMap()
    {
        var slots = new InMemorySlotTable().Assign(0, HashSlot.Count - 1, A);
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([A, B], slots: slots);
        await using var client = RespTestClient.Over(proxy.Connect().Client);
        InMemoryRedisNode a = proxy.Connector.Node(A), b = proxy.Connector.Node(B);
        slots.BeginMigration(Slot, B);

        Assert.Equal("value", (await client.CallAsync("GET", Key)).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", Key, "v")).Text);

        // Each command asked the owner first and was served by the importing node only because ASKING preceded it
        // (without it, the importing node answers MOVED back to the owner).
        Assert.Equal((2, 2, 2), (a.RedirectsSent, b.AskingCommandsServed, b.KeyedCommandsServed));
        Assert.Equal(A, proxy.Topology.Current.GetShard(Slot)!.Primary.Endpoint);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(MaxRedirects)]
    public async Task Get_TryAgainWithinBudget_RetriedUntilServed(int tryAgains)
    {
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([A], slots: new InMemorySlotTable().Assign(0, HashSlot.Count - 1, A));
        await using var client = RespTestClient.Over(proxy.Connect().Client);
        InMemoryRedisNode a = proxy.Connector.Node(A);
        a.FailNextKeyed(tryAgains, "TRYAGAIN Multiple keys request during rehashing of slot");

        Assert.Equal("value", (await client.CallAsync("GET", Key)).Text);
        Assert.Equal((tryAgains + 1, 1), (a.KeyedCommandsReceived, a.KeyedCommandsServed));
    }

    [Fact]
    public async Task Get_TryAgainPastBudget_ClientGetsTryAgain()
    {
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([A], slots: new InMemorySlotTable().Assign(0, HashSlot.Count - 1, A));
        await using var client = RespTestClient.Over(proxy.Connect().Client);
        InMemoryRedisNode a = proxy.Connector.Node(A);
        a.FailNextKeyed(MaxRedirects + 1, "TRYAGAIN Multiple keys request during rehashing of slot");

        Assert.Equal("TRYAGAIN Multiple keys request during rehashing of slot", (await client.CallAsync("GET", Key)).Text);
        Assert.Equal((MaxRedirects + 1, 0), (a.KeyedCommandsReceived, a.KeyedCommandsServed));
        Assert.Equal("value", (await client.CallAsync("GET", Key)).Text);
    }

    [Fact]
    public async Task Get_MovedLoopBetweenTwoNodes_StopsAfterBudgetWithLastMoved()
    {
        var slots = new InMemorySlotTable().Assign(0, HashSlot.Count - 1, A);
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([A, B], slots: slots);
        await using var client = RespTestClient.Over(proxy.Connect().Client);
        InMemoryRedisNode a = proxy.Connector.Node(A), b = proxy.Connector.Node(B);
        // Two nodes that disagree, each sending the slot to the other (as during a botched manual resharding).
        a.FailNextKeyed(int.MaxValue, $"MOVED {Slot} {B}");
        b.FailNextKeyed(int.MaxValue, $"MOVED {Slot} {A}");

        RespValue reply = await client.CallAsync("GET", Key);

        Assert.True(reply.IsError);
        Assert.StartsWith($"MOVED {Slot} ", reply.Text, StringComparison.Ordinal);
        Assert.Equal(MaxRedirects + 1, a.KeyedCommandsReceived + b.KeyedCommandsReceived);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task Get_MovedToUnknownNode_ClientGetsErrorAndRefreshRestoresRouting()
    {
        const string Unknown = "127.0.0.1:7999";
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([A], slots: new InMemorySlotTable().Assign(0, HashSlot.Count - 1, A));
        await using var client = RespTestClient.Over(proxy.Connect().Client);
        InMemoryRedisNode a = proxy.Connector.Node(A);
        a.FailNextKeyed(1, $"MOVED {Slot} {Unknown}");

        RespValue reply = await client.CallAsync("GET", Key);

        Assert.True(reply.IsError, reply.ToString());
        Assert.Contains(Unknown, reply.Text, StringComparison.Ordinal);
        // The MOVED patched the map towards the unreachable node; the refresh it asked for puts the slot back on A.
        await Wait.UntilAsync(() => proxy.Topology.Current.GetShard(Slot)?.Primary.Endpoint == A, what: "the refresh to restore the map");
        Assert.Equal("value", (await client.CallAsync("GET", Key)).Text);
    }

    [Fact]
    public async Task Start_NodesWithoutClusterShards_MapFromClusterSlotsAndKeysRoutedByIt()
    {
        int half = HashSlot.Count / 2;
        var slots = new InMemorySlotTable { AnswersClusterShards = false }.Assign(0, half - 1, A).Assign(half, HashSlot.Count - 1, B);
        string owner = Slot < half ? A : B;
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([A, B], slots: slots);
        await using var client = RespTestClient.Over(proxy.Connect().Client);

        Assert.Equal(2, proxy.Topology.Current.Shards.Count);
        Assert.Equal("value", (await client.CallAsync("GET", Key)).Text);
        Assert.Equal((0, 1), (proxy.Connector.Node(owner).RedirectsSent, proxy.Connector.Node(owner).KeyedCommandsServed));
    }
}
