namespace Slotgate.Tests.Proxy;

/// <summary>A live slot migration under a client's reads and writes: no MOVED, no ASK, no wrong value reaches it.</summary>
public class SlotMigrationTests
{
    [Fact]
    public async Task Migration_ClientReadsAndWritesMovingKeys_NeverSeesRedirectOrWrongValue()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using var server = await ProxyFixture.StartProxyAsync(cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        const int keyCount = 200;
        int slot = HashSlot.Of("mig"u8);
        string Key(int i) => $"{{mig}}:{i}";
        var expected = new string[keyCount];
        for (int i = 0; i < keyCount; i++)
        {
            expected[i] = "v0";
            Assert.Equal("OK", (await client.CallAsync("SET", Key(i), "v0")).Text);
        }

        LocalRedisNode source = await cluster.GetSlotOwnerAsync(slot);
        LocalRedisNode target = cluster.Primaries.First(p => p != source);
        var errors = new List<string>();
        using var stop = new CancellationTokenSource();
        int rounds = 0;
        Task load = Task.Run(async () =>
        {
            var random = new Random(1);
            while (!stop.IsCancellationRequested)
            {
                rounds++;
                int i = random.Next(keyCount);
                string value = "v" + rounds;
                RespValue set = await client.CallAsync("SET", Key(i), value);
                if (set.Text != "OK")
                {
                    errors.Add($"SET {Key(i)}: {set}");
                }
                else
                {
                    expected[i] = value;
                }
                int j = random.Next(keyCount);
                RespValue get = await client.CallAsync("GET", Key(j));
                if (get.Text != expected[j])
                {
                    errors.Add($"GET {Key(j)}: {get} (expected {expected[j]})");
                }
                int k = random.Next(keyCount);
                RespValue mget = await client.CallAsync("MGET", Key(j), Key(k));
                if (mget.IsError || mget.Items![0].Text != expected[j] || mget.Items[1].Text != expected[k])
                {
                    errors.Add($"MGET {Key(j)} {Key(k)}: {mget}");
                }
            }
        });

        await Task.Delay(200);
        SlotMigration migration = await cluster.BeginSlotMigrationAsync(slot, target);
        await Task.Delay(200);
        while (await migration.MoveKeysAsync(maxKeys: 20, batchSize: 10) > 0)
        {
            await Task.Delay(20);
        }
        await migration.CompleteAsync();
        await Task.Delay(500);
        stop.Cancel();
        await load;

        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        Assert.True(rounds > 20, $"only {rounds} rounds ran during the migration");
        Assert.Equal(target.Endpoint, (await cluster.GetSlotOwnerAsync(slot)).Endpoint);
        for (int i = 0; i < keyCount; i++)
        {
            Assert.Equal(expected[i], (await client.CallAsync("GET", Key(i))).Text);
        }
        // Once the migration is finished, the proxy's map points at the new owner (MOVED patched it, the refresh confirms).
        await Wait.UntilAsync(() => server.Topology.Current.GetShard(slot)?.Primary.Endpoint == target.Endpoint, TimeSpan.FromSeconds(10));
    }
}
