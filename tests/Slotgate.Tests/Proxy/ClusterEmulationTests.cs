using System.Diagnostics;

namespace Slotgate.Tests.Proxy;

/// <summary>Cluster-aware clients pointed at Slotgate see a healthy one-node cluster owning every slot.</summary>
[Collection(ProxyCollection.Name)]
public class ClusterEmulationTests(ProxyFixture fixture)
{
    [Fact]
    public async Task ClusterSlotsAndShards_OneNodeAtSlotgateAddress_AllSlots()
    {
        await using var client = await fixture.ConnectRawAsync();
        RespValue slots = await client.CallAsync("CLUSTER", "SLOTS");
        RespValue range = Assert.Single(slots.Items!);
        Assert.Equal(0, range.Items![0].Integer);
        Assert.Equal(16383, range.Items[1].Integer);
        Assert.Equal("127.0.0.1", range.Items[2].Items![0].Text);
        Assert.Equal(fixture.Endpoint.Port, range.Items[2].Items![1].Integer);
        string id = (await client.CallAsync("CLUSTER", "MYID")).Text!;
        Assert.Equal(40, id.Length);
        Assert.Equal(id, range.Items[2].Items![2].Text);

        RespValue shards = await client.CallAsync("CLUSTER", "SHARDS");
        Assert.Single(shards.Items!);
        // CLUSTER NODES answers as a standalone server, so auto-detecting clients stay in standalone mode.
        Assert.Equal("ERR This instance has cluster support disabled", (await client.CallAsync("CLUSTER", "NODES")).Text);
        string info = (await client.CallAsync("CLUSTER", "INFO")).Text!;
        Assert.Contains("cluster_state:ok", info, StringComparison.Ordinal);
        Assert.Contains("cluster_known_nodes:1", info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterKeyslotAndKeysInSlot_MatchTheRealCluster()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal(12182, (await client.CallAsync("CLUSTER", "KEYSLOT", "foo")).Integer);
        int slot = (int)(await client.CallAsync("CLUSTER", "KEYSLOT", "{emul}:a")).Integer;
        string slotText = slot.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Other tests' keys may share the slot (the shared cluster holds thousands), so count the difference.
        long before = (await client.CallAsync("CLUSTER", "COUNTKEYSINSLOT", slotText)).Integer;
        await client.CallAsync("SET", "{emul}:a", "1");
        await client.CallAsync("SET", "{emul}:b", "2");
        Assert.Equal(before + 2, (await client.CallAsync("CLUSTER", "COUNTKEYSINSLOT", slotText)).Integer);
        RespValue keys = await client.CallAsync("CLUSTER", "GETKEYSINSLOT", slotText, "1000");
        Assert.Contains("{emul}:a", keys.Items!.Select(k => k.Text));
        Assert.Contains("{emul}:b", keys.Items!.Select(k => k.Text));
        Assert.Equal("ERR Invalid slot", (await client.CallAsync("CLUSTER", "COUNTKEYSINSLOT", "16384")).Text);
        Assert.True((await client.CallAsync("CLUSTER", "FAILOVER")).IsError);
    }

    [Fact]
    public async Task RedisCliClusterMode_ThroughSlotgate_Works()
    {
        var start = new ProcessStartInfo("redis-cli", ["-c", "-h", "127.0.0.1", "-p", fixture.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using Process process = Process.Start(start)!;
        await process.StandardInput.WriteAsync("SET emul:cli one\nGET emul:cli\nSET emul:cli2 two\nGET emul:cli2\n");
        process.StandardInput.Close();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal("OK\none\nOK\ntwo\n", output);
    }
}
