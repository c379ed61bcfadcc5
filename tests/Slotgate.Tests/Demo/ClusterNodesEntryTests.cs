namespace Slotgate.Tests.Demo;

public sealed class ClusterNodesEntryTests
{
    [Fact]
    public void Parse_PrimaryWithRangesAndMigrationMarker_KeepsOwnedRangesOnly()
    {
        ClusterNodesEntry entry = ClusterNodesEntry.Parse(
            "07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@40004 myself,master - 0 1426238317239 4 connected 0-5460 6000 [5461->-e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca]");

        Assert.Equal("07c37dfeb235213a872192d90877d0cd55635b91", entry.Id);
        Assert.Equal(30004, entry.Port);
        Assert.True(entry.IsMyself);
        Assert.True(entry.IsPrimary);
        Assert.Null(entry.PrimaryId);
        Assert.True(entry.LinkConnected);
        Assert.Equal([(0, 5460), (6000, 6000)], entry.Slots);
    }

    [Fact]
    public void Parse_FailedReplicaWithHostname_ReadsPrimaryAndSuspicion()
    {
        ClusterNodesEntry entry = ClusterNodesEntry.Parse(
            "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30002@40002,node-2 slave,fail 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 2 disconnected");

        Assert.True(entry.IsReplica);
        Assert.True(entry.IsSuspect);
        Assert.False(entry.LinkConnected);
        Assert.Equal("67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1", entry.PrimaryId);
        Assert.Empty(entry.Slots);
    }

    [Fact]
    public void Parse_TooFewFields_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => ClusterNodesEntry.Parse("abc 127.0.0.1:1@2 master"));
    }
}
