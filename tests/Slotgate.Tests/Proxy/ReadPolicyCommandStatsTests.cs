using System.Globalization;
using Xunit.Abstractions;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// Where reads and writes went, as each node counts them itself (INFO commandstats): under routing.readFrom = primary
/// every GET is served by the primary, under replica by the replica; SETs always by the primary.
/// </summary>
[Collection(ProxyCollection.Name)]
public class ReadPolicyCommandStatsTests(ProxyFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData("primary", 20, 0)]
    [InlineData("replica", 0, 20)]
    [InlineData("prefer-replica", 0, 20)]
    public async Task ReadFrom_Policy_NodesCountReadsWhereItSends(string policy, int primaryGets, int replicaGets)
    {
        LocalRedisCluster cluster = fixture.Cluster;
        await using var server = await ProxyFixture.StartProxyAsync(cluster, o => o with { Routing = o.Routing with { ReadFrom = policy } });
        await Wait.UntilReplicasHealthyAsync(server, TimeSpan.FromSeconds(15));
        LocalRedisNode primary = cluster.Primaries[0];
        LocalRedisNode replica = cluster.GetReplicasOf(primary)[0];
        string key = TestKeys.OwnedBy(server, primary.Endpoint, "stats-" + policy);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", key, "v")).Text);
        Assert.True((await client.CallAsync("WAIT", "1", "5000")).Integer >= 1);
        await primary.SendAsync(["CONFIG", "RESETSTAT"]);
        await replica.SendAsync(["CONFIG", "RESETSTAT"]);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("v", (await client.CallAsync("GET", key)).Text);
        }
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", key, "v")).Text);
        }

        long primaryGet = await CallsAsync(primary, "get");
        long replicaGet = await CallsAsync(replica, "get");
        long primarySet = await CallsAsync(primary, "set");
        output.WriteLine($"readFrom={policy}: primary {primary.Endpoint} get={primaryGet} set={primarySet}; replica {replica.Endpoint} get={replicaGet}");
        Assert.Equal(primaryGets, primaryGet);
        Assert.Equal(replicaGets, replicaGet);
        Assert.Equal(10, primarySet);
    }

    /// <summary>The node's own count of <paramref name="command"/> calls since CONFIG RESETSTAT.</summary>
    private static async Task<long> CallsAsync(LocalRedisNode node, string command)
    {
        string info = (await node.SendAsync(["INFO", "commandstats"])).Text!;
        foreach (string line in info.Split("\r\n"))
        {
            if (line.StartsWith($"cmdstat_{command}:calls=", StringComparison.Ordinal))
            {
                string calls = line[$"cmdstat_{command}:calls=".Length..];
                return long.Parse(calls[..calls.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}
