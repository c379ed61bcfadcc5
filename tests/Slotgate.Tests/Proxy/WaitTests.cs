using System.Diagnostics;

namespace Slotgate.Tests.Proxy;

/// <summary>WAIT counts replicas that acknowledged the client's writes on the shards it wrote to, without blocking others.</summary>
[Collection(ProxyCollection.Name)]
public class WaitTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Wait_AfterWritesOnAllShards_OneReplicaEachAcknowledges()
    {
        await using var client = await fixture.ConnectRawAsync();
        await using var other = await fixture.ConnectRawAsync();
        for (int i = 0; i < 10; i++)
        {
            await client.CallAsync("SET", $"wait:{i}", "v");
        }
        await client.SendAsync("WAIT", "1", "5000");
        // While WAIT is pending, another client on the same nodes is served promptly.
        var watch = Stopwatch.StartNew();
        Assert.Equal("v", (await other.CallAsync("GET", "wait:0")).Text);
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(900), $"took {watch.Elapsed}");
        Assert.Equal(1, (await client.ReadAsync(TimeSpan.FromSeconds(10))).Integer);
    }

    [Fact]
    public async Task Wait_MoreReplicasThanExist_TimesOutWithActualCount()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("SET", "{wait2}:k", "v");
        // Each shard has one replica, so asking for two waits out the timeout and reports the one that acknowledged
        // (replicas acknowledge about once a second, hence a timeout above that).
        var watch = Stopwatch.StartNew();
        Assert.Equal(1, (await client.CallAsync("WAIT", "2", "2500")).Integer);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(2400), TimeSpan.FromSeconds(8));
        Assert.Equal("ERR value is not an integer or out of range", (await client.CallAsync("WAIT", "x", "1")).Text);
    }
}
