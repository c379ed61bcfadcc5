using Slotgate.Tests.Support.InMemory;

namespace Slotgate.Tests.Routing;

/// <summary>
/// The router's answers to the cluster's redirects and retryable errors, against in-memory nodes that send them on
/// demand, with the replies Redis sends: <c>-MOVED</c> is followed and patches the map, <c>-ASK</c> is followed with
/// <c>ASKING</c> and leaves the map alone, <c>-TRYAGAIN</c> and <c>-LOADING</c> (a node still loading its dataset, which
/// has not run the command) are retried, and none of them reaches the client unless the redirect budget
/// (<c>routing.maxRedirects</c>, 5) runs out. The same behaviour against a real cluster under a live migration is in
/// <see cref="Proxy.SlotMigrationTests"/> and <see cref="Proxy.PinnedRedirectTests"/>; BUSY from a real server is in
/// <see cref="Proxy.NodeBusyTests"/>.
/// </summary>
public class RedirectTests
{
    /// <summary>The two nodes: A owns every slot unless a test says otherwise.</summary>
    private const string A = "127.0.0.1:7001", B = "127.0.0.1:7002";

    private const int MaxRedirects = 5;

    /// <summary>Redis's texts for the retryable errors.</summary>
    private const string TryAgain = "TRYAGAIN Multiple keys request during rehashing of slot", Loading = "LOADING Redis is loading the dataset in memory";

    private const string Key = "redirect:key";
    private static readonly int Slot = HashSlot.Of(Encoding.UTF8.GetBytes(Key));

    [Fact]
    public async Task Get_SlotMovedBehindStaleMap_FollowsMovedPatchesMapAndRefreshes()
    {
        await using var cluster = await Cluster.StartAsync();
        int queries = cluster.A.TopologyQueries + cluster.B.TopologyQueries;
        cluster.Slots.Assign(Slot, Slot, B);

        Assert.Equal("value", (await cluster.Client.CallAsync("GET", Key)).Text);

        Assert.Equal((1, 1), (cluster.A.RedirectsSent, cluster.B.KeyedCommandsServed));
        Assert.Equal(B, cluster.OwnerInMap);
        await Wait.UntilAsync(() => cluster.A.TopologyQueries + cluster.B.TopologyQueries > queries, what: "a refresh after the MOVED");
        // Patched: the next command goes straight to the new owner.
        Assert.Equal("OK", (await cluster.Client.CallAsync("SET", Key, "v")).Text);
        Assert.Equal((1, 2), (cluster.A.RedirectsSent, cluster.B.KeyedCommandsServed));
    }

    [Fact]
    public async Task Get_SlotMigrating_FollowsAskWithAskingAndKeepsMap()
    {
        await using var cluster = await Cluster.StartAsync();
        cluster.Slots.BeginMigration(Slot, B);

        Assert.Equal("value", (await cluster.Client.CallAsync("GET", Key)).Text);
        Assert.Equal("OK", (await cluster.Client.CallAsync("SET", Key, "v")).Text);

        // Each command asked the owner first and was served by the importing node only because ASKING preceded it
        // (without it, the importing node answers MOVED back to the owner).
        Assert.Equal((2, 2, 2), (cluster.A.RedirectsSent, cluster.B.AskingCommandsServed, cluster.B.KeyedCommandsServed));
        Assert.Equal(A, cluster.OwnerInMap);
    }

    [Theory]
    [InlineData(TryAgain, 1)]
    [InlineData(TryAgain, MaxRedirects)]
    [InlineData(Loading, 3)]
    public async Task Get_RetryableErrorWithinBudget_RetriedUntilServed(string error, int times)
    {
        await using var cluster = await Cluster.StartAsync();
        cluster.A.FailNextKeyed(times, error);

        Assert.Equal("value", (await cluster.Client.CallAsync("GET", Key)).Text);
        Assert.Equal((times + 1, 1), (cluster.A.KeyedCommandsReceived, cluster.A.KeyedCommandsServed));
    }

    [Theory]
    [InlineData(TryAgain)]
    [InlineData(Loading)]
    public async Task Get_RetryableErrorPastBudget_ClientGetsTheError(string error)
    {
        await using var cluster = await Cluster.StartAsync();
        cluster.A.FailNextKeyed(MaxRedirects + 1, error);

        Assert.Equal(error, (await cluster.Client.CallAsync("GET", Key)).Text);
        Assert.Equal((MaxRedirects + 1, 0), (cluster.A.KeyedCommandsReceived, cluster.A.KeyedCommandsServed));
        Assert.Equal("value", (await cluster.Client.CallAsync("GET", Key)).Text);
    }

    [Fact]
    public async Task Get_BusyKeyError_NotRetried()
    {
        // -BUSYKEY is the client's own error (RESTORE onto an existing key), not a busy node.
        await using var cluster = await Cluster.StartAsync();
        cluster.A.FailNextKeyed(1, "BUSYKEY Target key name already exists.");

        Assert.Equal("BUSYKEY Target key name already exists.", (await cluster.Client.CallAsync("GET", Key)).Text);
        Assert.Equal(1, cluster.A.KeyedCommandsReceived);
    }

    [Fact]
    public async Task Get_MovedLoopBetweenTwoNodes_StopsAfterBudgetWithLastMoved()
    {
        await using var cluster = await Cluster.StartAsync();
        // Two nodes that disagree, each sending the slot to the other (as during a botched manual resharding).
        cluster.A.FailNextKeyed(int.MaxValue, $"MOVED {Slot} {B}");
        cluster.B.FailNextKeyed(int.MaxValue, $"MOVED {Slot} {A}");

        RespValue reply = await cluster.Client.CallAsync("GET", Key);

        Assert.True(reply.IsError);
        Assert.StartsWith($"MOVED {Slot} ", reply.Text, StringComparison.Ordinal);
        Assert.Equal(MaxRedirects + 1, cluster.A.KeyedCommandsReceived + cluster.B.KeyedCommandsReceived);
        Assert.Equal("PONG", (await cluster.Client.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task Get_MovedToUnknownNode_ClientGetsErrorAndRefreshRestoresRouting()
    {
        const string Unknown = "127.0.0.1:7999";
        await using var cluster = await Cluster.StartAsync();
        cluster.A.FailNextKeyed(1, $"MOVED {Slot} {Unknown}");

        RespValue reply = await cluster.Client.CallAsync("GET", Key);

        Assert.True(reply.IsError, reply.ToString());
        Assert.StartsWith($"ERR Slotgate: node {Unknown} unavailable", reply.Text, StringComparison.Ordinal);
        // The MOVED patched the map towards the unreachable node; the refresh it asked for puts the slot back on A.
        await Wait.UntilAsync(() => cluster.OwnerInMap == A, what: "the refresh to restore the map");
        Assert.Equal("value", (await cluster.Client.CallAsync("GET", Key)).Text);
    }

    [Fact]
    public async Task Start_NodesWithoutClusterShards_MapFromClusterSlotsAndKeysRoutedByIt()
    {
        int half = HashSlot.Count / 2;
        var slots = new InMemorySlotTable { AnswersClusterShards = false }.Assign(0, half - 1, A).Assign(half, HashSlot.Count - 1, B);
        await using var cluster = await Cluster.StartAsync(slots);
        InMemoryRedisNode owner = Slot < half ? cluster.A : cluster.B;

        Assert.Equal(2, cluster.Proxy.Topology.Current.Shards.Count);
        Assert.Equal("value", (await cluster.Client.CallAsync("GET", Key)).Text);
        Assert.Equal((0, 1), (owner.RedirectsSent, owner.KeyedCommandsServed));
    }

    /// <summary>Nodes A and B (A owning every slot unless told otherwise), Slotgate in front, and one client.</summary>
    private sealed class Cluster(InMemorySlotTable slots, InMemoryProxy proxy, RespTestClient client) : IAsyncDisposable
    {
        public InMemorySlotTable Slots => slots;

        public InMemoryProxy Proxy => proxy;

        public RespTestClient Client => client;

        public InMemoryRedisNode A => proxy.Connector.Node(RedirectTests.A);

        public InMemoryRedisNode B => proxy.Connector.Node(RedirectTests.B);

        /// <summary>Where Slotgate's map sends the test key now.</summary>
        public string? OwnerInMap => proxy.Topology.Current.GetShard(Slot)?.Primary.Endpoint;

        public static async Task<Cluster> StartAsync(InMemorySlotTable? slots = null)
        {
            slots ??= new InMemorySlotTable().Assign(0, HashSlot.Count - 1, RedirectTests.A);
            InMemoryProxy proxy = await InMemoryProxy.StartAsync([RedirectTests.A, RedirectTests.B], slots: slots);
            return new Cluster(slots, proxy, RespTestClient.Over(proxy.Connect().Client));
        }

        public async ValueTask DisposeAsync()
        {
            await client.DisposeAsync();
            await proxy.DisposeAsync();
        }
    }
}
