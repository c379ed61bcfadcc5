using Slotgate.Demo;
using Slotgate.Protocol;
using Slotgate.Tests.Infrastructure;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>A manual failover (CLUSTER FAILOVER on a replica) under load: no client-visible error, no lost write.</summary>
public class ManualFailoverTests
{
    [Fact]
    public async Task ClusterFailover_UnderReadsAndWrites_NoErrorsNoLostWrites()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using var server = await ProxyFixture.StartProxyAsync(cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        LocalRedisNode replica = cluster.Replicas[0];
        var errors = new List<string>();
        var written = new Dictionary<string, string>();
        using var stop = new CancellationTokenSource();
        int n = 0;
        Task load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                string key = $"failover:{n % 300}";
                string value = $"v{n++}";
                RespValue set = await client.CallAsync("SET", key, value);
                if (set.Text != "OK")
                {
                    errors.Add($"SET {key}: {set}");
                    continue;
                }
                written[key] = value;
                RespValue get = await client.CallAsync("GET", key);
                if (get.Text != value)
                {
                    errors.Add($"GET {key}: {get} (expected {value})");
                }
            }
        });

        await Task.Delay(300);
        await cluster.FailoverAsync(replica);
        await Task.Delay(1000);
        stop.Cancel();
        await load;

        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        Assert.True(n > 50, $"only {n} commands ran");
        foreach (var (key, value) in written)
        {
            Assert.Equal(value, (await client.CallAsync("GET", key)).Text);
        }
    }
}
