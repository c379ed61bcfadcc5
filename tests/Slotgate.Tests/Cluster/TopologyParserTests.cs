namespace Slotgate.Tests.Cluster;

public class TopologyParserTests
{
    private static RespValue Parse(string resp) => RespValue.Parse(System.Text.Encoding.UTF8.GetBytes(resp));

    private static string Bulk(string s) => $"${s.Length}\r\n{s}\r\n";

    private static string Node(string id, string ip, int port, string role, string health) =>
        "*14\r\n" + Bulk("id") + Bulk(id) + Bulk("port") + $":{port}\r\n" + Bulk("ip") + Bulk(ip) + Bulk("endpoint") + Bulk(ip) +
        Bulk("role") + Bulk(role) + Bulk("replication-offset") + ":10\r\n" + Bulk("health") + Bulk(health);

    [Fact]
    public void ParseShards_TwoShardsWithReplicas_BuildsShardsAndRanges()
    {
        string reply = "*2\r\n" +
            "*4\r\n" + Bulk("slots") + "*4\r\n:0\r\n:100\r\n:200\r\n:300\r\n" + Bulk("nodes") + "*2\r\n" +
                Node("a", "127.0.0.1", 30001, "master", "online") + Node("b", "127.0.0.1", 30004, "replica", "online") +
            "*4\r\n" + Bulk("slots") + "*2\r\n:101\r\n:199\r\n" + Bulk("nodes") + "*2\r\n" +
                Node("c", "127.0.0.1", 30005, "replica", "failed") + Node("d", "127.0.0.1", 30002, "master", "online");

        IReadOnlyList<Shard> shards = TopologyParser.ParseShards(Parse(reply));

        Assert.Equal(2, shards.Count);
        Assert.Equal("127.0.0.1:30001", shards[0].Primary.Endpoint);
        Assert.Equal([new SlotRange(0, 100), new SlotRange(200, 300)], shards[0].Ranges);
        Assert.Equal("127.0.0.1:30004", Assert.Single(shards[0].Replicas).Endpoint);
        Assert.Equal("127.0.0.1:30002", shards[1].Primary.Endpoint);
        Assert.False(Assert.Single(shards[1].Replicas).Healthy);
        var map = new SlotMap(shards, 1);
        Assert.Equal(301, map.CoveredSlots);
        Assert.Equal("127.0.0.1:30002", map.GetShard(150)!.Primary.Endpoint);
        Assert.Null(map.GetShard(301));
    }

    [Fact]
    public void ParseShards_TlsNodes_UseTlsPortWhenTlsElsePlainPort()
    {
        // Redis 7 with tls-cluster yes reports "port" (plain, if open) and "tls-port"; a TLS-only node only "tls-port".
        string both = "*16\r\n" + Bulk("id") + Bulk("a") + Bulk("port") + ":6379\r\n" + Bulk("tls-port") + ":6380\r\n" +
            Bulk("ip") + Bulk("10.0.0.1") + Bulk("endpoint") + Bulk("10.0.0.1") + Bulk("role") + Bulk("master") +
            Bulk("replication-offset") + ":10\r\n" + Bulk("health") + Bulk("online");
        string tlsOnly = "*14\r\n" + Bulk("id") + Bulk("b") + Bulk("tls-port") + ":6390\r\n" +
            Bulk("ip") + Bulk("10.0.0.2") + Bulk("endpoint") + Bulk("10.0.0.2") + Bulk("role") + Bulk("replica") +
            Bulk("replication-offset") + ":10\r\n" + Bulk("health") + Bulk("online");
        string reply = "*1\r\n*4\r\n" + Bulk("slots") + "*2\r\n:0\r\n:16383\r\n" + Bulk("nodes") + "*2\r\n" + both + tlsOnly;

        Shard overTls = Assert.Single(TopologyParser.ParseShards(Parse(reply), tls: true));
        Assert.Equal("10.0.0.1:6380", overTls.Primary.Endpoint);
        Assert.Equal("10.0.0.2:6390", Assert.Single(overTls.Replicas).Endpoint);

        Shard plain = Assert.Single(TopologyParser.ParseShards(Parse(reply)));
        Assert.Equal("10.0.0.1:6379", plain.Primary.Endpoint);
        Assert.Empty(plain.Replicas);
    }

    [Fact]
    public void ParseShards_ShardWithoutSlots_IsLeftOut()
    {
        string reply = "*1\r\n*4\r\n" + Bulk("slots") + "*0\r\n" + Bulk("nodes") + "*1\r\n" + Node("a", "127.0.0.1", 1, "master", "online");
        Assert.Empty(TopologyParser.ParseShards(Parse(reply)));
    }

    [Fact]
    public void ParseSlots_RangesOfOnePrimary_MergeIntoOneShard()
    {
        string node1 = "*3\r\n" + Bulk("127.0.0.1") + ":30001\r\n" + Bulk("id1");
        string node2 = "*3\r\n" + Bulk("127.0.0.1") + ":30002\r\n" + Bulk("id2");
        string replica = "*3\r\n" + Bulk("::1") + ":30004\r\n" + Bulk("id4");
        string reply = "*3\r\n" +
            "*4\r\n:0\r\n:99\r\n" + node1 + replica +
            "*3\r\n:100\r\n:16383\r\n" + node2 +
            "*3\r\n:50000\r\n:50000\r\n" + node1;
        reply = reply.Replace(":50000\r\n:50000", ":16384\r\n:16384", StringComparison.Ordinal);

        IReadOnlyList<Shard> shards = TopologyParser.ParseSlots(Parse(reply));

        Assert.Equal(2, shards.Count);
        Assert.Equal(2, shards[0].Ranges.Count);
        Assert.Equal("[::1]:30004", Assert.Single(shards[0].Replicas).Endpoint);
        Assert.True(new SlotMap(shards, 1).IsFullyCovered);
    }

    [Fact]
    public void WithSlotMoved_UnknownEndpoint_AddsShardAndMovesOnlyThatSlot()
    {
        var shard = new Shard(new ClusterNode("a", "h:1", true), [], [new SlotRange(0, 16383)]);
        var map = new SlotMap([shard], 1);

        SlotMap moved = map.WithSlotMoved(42, "h:2");

        Assert.Equal("h:2", moved.GetShard(42)!.Primary.Endpoint);
        Assert.Equal("h:1", moved.GetShard(43)!.Primary.Endpoint);
        Assert.Equal("h:1", map.GetShard(42)!.Primary.Endpoint);
        Assert.True(moved.Version > map.Version);
        Assert.Same(moved, moved.WithSlotMoved(42, "h:2"));
    }

    [Fact]
    public void ChooseView_NodesDisagree_MajorityThenCoverageWins()
    {
        Shard All(string endpoint) => new(new ClusterNode("x", endpoint, true), [], [new SlotRange(0, 16383)]);
        Shard Half(string endpoint) => new(new ClusterNode("x", endpoint, true), [], [new SlotRange(0, 8191)]);
        var a = ("n1", (IReadOnlyList<Shard>)[All("h:1")], "A");
        var a2 = ("n2", (IReadOnlyList<Shard>)[All("h:1")], "A");
        var stale = ("n3", (IReadOnlyList<Shard>)[All("h:9")], "C");
        Assert.Equal("A", TopologyRefresher.ChooseView([stale, a, a2]).Signature);

        var partial = ("n4", (IReadOnlyList<Shard>)[Half("h:1")], "P");
        Assert.Equal("C", TopologyRefresher.ChooseView([partial, stale]).Signature);
        Assert.Equal("P", TopologyRefresher.ChooseView([partial]).Signature);
    }
}
