using Slotgate.Routing;

namespace Slotgate.Tests.Proxy;

/// <summary>Keyspace commands on clusters of their own: a SCAN while a slot migrates, and an empty cluster.</summary>
public class ScanMigrationTests
{
    /// <summary>
    /// The case that breaks a naive per-primary scan: a slot moves from the last primary in scan order (not yet scanned)
    /// into the first (already scanned). Its keys must still come back at least once.
    /// </summary>
    [Fact]
    public async Task Scan_SlotMigratesFromUnscannedIntoScannedPrimary_ReturnsEveryKeyAtLeastOnce()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using var server = await ProxyFixture.StartProxyAsync(cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        LocalRedisNode first = await cluster.GetSlotOwnerAsync(0);
        LocalRedisNode last = await cluster.GetSlotOwnerAsync(HashSlot.Count - 1);
        string tag = Enumerable.Range(0, 1000).Select(i => $"mv{i}")
            .First(t => HashSlot.Of(Encoding.UTF8.GetBytes(t)) >= HashSlot.Count - 100);
        int slot = HashSlot.Of(Encoding.UTF8.GetBytes(tag));
        var keys = new List<string>();
        keys.AddRange(Enumerable.Range(0, 2000).Select(i => $"spread:{i}"));
        keys.AddRange(Enumerable.Range(0, 200).Select(i => $"{{{tag}}}:{i}"));
        foreach (string key in keys)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", key, "v")).Text);
        }

        var seen = new List<string>();
        string cursor = "0";
        int calls = 0;
        async Task StepAsync()
        {
            RespValue reply = await client.CallAsync("SCAN", cursor, "COUNT", "20");
            Assert.False(reply.IsError, reply.ToString());
            cursor = reply.Items![0].Text!;
            seen.AddRange(reply.Items[1].Items!.Select(k => k.Text!));
            calls++;
        }

        // Scan until the first primary is done and the second is under way.
        do
        {
            await StepAsync();
        }
        while (ShardIndexOf(cursor) < 1);
        Assert.DoesNotContain(seen, k => k.StartsWith('{'));

        // Half the slot's keys move into the already scanned primary while the scan goes on, then the rest.
        SlotMigration migration = await cluster.BeginSlotMigrationAsync(slot, first);
        await migration.MoveKeysAsync(maxKeys: 100, batchSize: 25);
        for (int i = 0; i < 3 && cursor != "0"; i++)
        {
            await StepAsync();
        }
        await migration.CompleteAsync();
        Assert.Equal(first.Endpoint, (await cluster.GetSlotOwnerAsync(slot)).Endpoint);
        while (cursor != "0")
        {
            await StepAsync();
            Assert.True(calls < 100_000, "SCAN did not finish after the migration");
        }

        Assert.Empty(keys.Except(seen));
        // The slot's keys left the last primary before it was scanned, so only a repeated pass can have found them.
        Assert.True(seen.Count > seen.Distinct().Count(), "expected a repeated pass after the migration");
        Assert.NotEqual(first, last);
    }

    [Fact]
    public async Task RandomKeyAndKeys_EveryPrimaryEmpty_NullAndEmptyArray()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast);
        await using var server = await ProxyFixture.StartProxyAsync(cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        await client.SendAsync("RANDOMKEY");
        Assert.Equal("$-1\r\n", Encoding.ASCII.GetString(await client.ReadRawAsync()));
        Assert.Empty((await client.CallAsync("KEYS", "*")).Items!);
        (List<string> scanned, int calls) = await ScanDriver.ScanAllAsync(client);
        Assert.Empty(scanned);
        Assert.Equal(1 + cluster.Primaries.Count, calls);

        string key = TestKeys.OwnedBy(server, cluster.Primaries[2].Endpoint, "only");
        Assert.Equal("OK", (await client.CallAsync("SET", key, "v")).Text);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(key, (await client.CallAsync("RANDOMKEY")).Text);
        }
    }

    private static int ShardIndexOf(string cursor)
    {
        Assert.True(ScanCursor.TryParse(Encoding.ASCII.GetBytes(cursor), out ScanCursor parsed), cursor);
        return cursor == "0" ? int.MaxValue : parsed.ShardIndex;
    }
}
