using System.Text;
using Slotgate.Cluster;
using Slotgate.Demo;
using Slotgate.Protocol;
using Slotgate.Tests.Infrastructure;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>Adding a primary, moving slots to it and removing it again, all under load: no client-visible error.</summary>
public class ScalingTests
{
    [Fact]
    public async Task AddPrimaryMoveSlotsRemove_UnderLoad_NoErrorsAndNoStaleRouting()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        await using var server = await ProxyFixture.StartProxyAsync(cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        string[] tags = ["a", "b", "c", "d", "e"];
        int[] slots = [.. tags.Select(t => HashSlot.Of(Encoding.UTF8.GetBytes(t)))];
        var expected = new Dictionary<string, string>();
        var errors = new List<string>();
        using var stop = new CancellationTokenSource();
        int n = 0;
        Task load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                string key = $"{{{tags[n % tags.Length]}}}:k{n % 50}";
                string value = $"v{n++}";
                RespValue set = await client.CallAsync("SET", key, value);
                if (set.Text != "OK")
                {
                    errors.Add($"SET {key}: {set}");
                    continue;
                }
                expected[key] = value;
                RespValue get = await client.CallAsync("GET", key);
                if (get.Text != value)
                {
                    errors.Add($"GET {key}: {get} (expected {value})");
                }
            }
        });

        await Task.Delay(200);
        LocalRedisNode added = await cluster.AddPrimaryAsync();
        var owners = new Dictionary<int, LocalRedisNode>();
        foreach (int slot in slots.Distinct())
        {
            owners[slot] = await cluster.GetSlotOwnerAsync(slot);
            await cluster.MigrateSlotAsync(slot, added);
        }
        await SlotMigrationTests.WaitUntilAsync(
            () => slots.All(s => server.Topology.Current.GetShard(s)?.Primary.Endpoint == added.Endpoint), TimeSpan.FromSeconds(15));

        // Scale back in: give the slots back, then remove the node.
        foreach (var (slot, owner) in owners)
        {
            await cluster.MigrateSlotAsync(slot, owner);
        }
        await cluster.RemoveNodeAsync(added);
        await SlotMigrationTests.WaitUntilAsync(
            () => server.Topology.Current.Shards.All(s => s.Primary.Endpoint != added.Endpoint), TimeSpan.FromSeconds(15));
        await Task.Delay(300);
        stop.Cancel();
        await load;

        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        Assert.True(n > 100, $"only {n} commands ran");
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, (await client.CallAsync("GET", key)).Text);
        }
    }
}
