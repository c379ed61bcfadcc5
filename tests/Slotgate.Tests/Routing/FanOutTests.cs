using Slotgate.Routing;

namespace Slotgate.Tests.Routing;

public class FanOutTests
{
    [Fact]
    public void AddChildren_NoShardKnown_FailsWithClusterDown()
    {
        ProxyRequest request = Request();

        bool added = FanOut.AddChildren(request, [], MergeKind.Sum, allNodes: false);

        Assert.False(added);
        Assert.True(request.IsCompleted);
        Assert.True(request.Rejected);
        Assert.Equal("-CLUSTERDOWN No primary is known yet\r\n", Encoding.ASCII.GetString(request.Reply.Span));
    }

    [Fact]
    public void AddChildren_PrimariesOnly_OneCopyPerPrimary()
    {
        ProxyRequest request = Request();

        bool added = FanOut.AddChildren(request, Shards(), MergeKind.Sum, allNodes: false);

        Assert.True(added);
        Assert.Equal(MergeKind.Sum, request.Merge);
        Assert.Equal(["p1:6379", "p2:6379"], request.Children.Select(child => child.Target));
        Assert.All(request.Children, child => Assert.Equal("DBSIZE", Encoding.ASCII.GetString(child.Frame.Arg(0))));
    }

    [Fact]
    public void AddChildren_AllNodes_AddsHealthyReplicasAfterTheirPrimary()
    {
        ProxyRequest request = Request();

        FanOut.AddChildren(request, Shards(), MergeKind.None, allNodes: true);

        Assert.Equal(["p1:6379", "r1:6379", "p2:6379"], request.Children.Select(child => child.Target));
    }

    private static ProxyRequest Request()
    {
        ProxyRequest request = new RequestPool(16).Rent();
        request.Frame.Set("DBSIZE");
        return request;
    }

    private static Shard[] Shards() =>
    [
        new Shard(new ClusterNode("p1", "p1:6379", true), [new ClusterNode("r1", "r1:6379", false), new ClusterNode("r1b", "r1b:6379", false, Healthy: false)], [new SlotRange(0, 8191)]),
        new Shard(new ClusterNode("p2", "p2:6379", true), [], [new SlotRange(8192, 16383)]),
    ];
}
