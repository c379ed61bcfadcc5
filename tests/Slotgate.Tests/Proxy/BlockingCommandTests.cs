using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Slotgate.Backend;

namespace Slotgate.Tests.Proxy;

/// <summary>Blocking commands block only their own client, never commands other clients send to the same node.</summary>
[Collection(ProxyCollection.Name)]
public class BlockingCommandTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Blpop_Waiting_OthersOnSameNodeAreServedMeanwhile()
    {
        await using var blocked = await fixture.ConnectRawAsync();
        await using var other = await fixture.ConnectRawAsync();
        // Same hash tag: the other client's commands go to the very node the BLPOP waits on. The BLPOP waits until
        // released, so a command queued behind it would not answer at all before the release.
        await blocked.SendAsync("BLPOP", "{blk1}:queue", "0");
        for (int i = 0; i < 20; i++)
        {
            var each = Stopwatch.StartNew();
            Assert.Equal("OK", (await other.CallAsync("SET", "{blk1}:other", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).Text);
            Assert.True(each.Elapsed < TimeSpan.FromSeconds(1), $"a command on the same node took {each.Elapsed}");
        }
        Assert.Equal(1, (await other.CallAsync("RPUSH", "{blk1}:queue", "released")).Integer);
        Assert.Equal("released", (await blocked.ReadAsync(TimeSpan.FromSeconds(10))).Items![1].Text);
        Assert.Equal("PONG", (await blocked.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task Blpop_EmptyListShortTimeout_Nil()
    {
        await using var client = await fixture.ConnectRawAsync();
        var watch = Stopwatch.StartNew();
        Assert.True((await client.CallAsync("BLPOP", "{blk1b}:queue", "0.3")).IsNull);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task Blpop_PushFromAnotherClient_WakesWithValue()
    {
        await using var blocked = await fixture.ConnectRawAsync();
        await using var pusher = await fixture.ConnectRawAsync();
        await blocked.SendAsync("BLPOP", "{blk2}:queue", "0");
        await Task.Delay(200);
        Assert.Equal(1, (await pusher.CallAsync("RPUSH", "{blk2}:queue", "job-1")).Integer);
        RespValue reply = await blocked.ReadAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["{blk2}:queue", "job-1"], reply.Items!.Select(i => i.Text));
    }

    [Fact]
    public async Task BlockingFamily_Variants_WorkLikeRedis()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("RPUSH", "{blk3}:src", "a", "b");
        Assert.Equal("a", (await client.CallAsync("BLMOVE", "{blk3}:src", "{blk3}:dst", "LEFT", "RIGHT", "1")).Text);
        Assert.Equal("b", (await client.CallAsync("BRPOPLPUSH", "{blk3}:src", "{blk3}:dst", "1")).Text);
        RespValue mpop = await client.CallAsync("BLMPOP", "1", "1", "{blk3}:dst", "LEFT", "COUNT", "2");
        Assert.Equal("{blk3}:dst", mpop.Items![0].Text);
        await client.CallAsync("ZADD", "{blk3}:z", "1", "one", "2", "two");
        Assert.Equal("one", (await client.CallAsync("BZPOPMIN", "{blk3}:z", "1")).Items![1].Text);
        Assert.Equal("two", (await client.CallAsync("BZPOPMAX", "{blk3}:z", "1")).Items![1].Text);
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot",
            (await client.CallAsync("BLMOVE", "blk3a", "blk3b", "LEFT", "RIGHT", "1")).Text);
    }

    [Fact]
    public async Task XreadBlock_EntryAddedByAnotherClient_Delivered()
    {
        await using var reader = await fixture.ConnectRawAsync();
        await using var writer = await fixture.ConnectRawAsync();
        await writer.CallAsync("XADD", "{blk4}:s", "*", "f", "old");
        await reader.SendAsync("XREAD", "BLOCK", "5000", "STREAMS", "{blk4}:s", "$");
        await Task.Delay(200);
        await writer.CallAsync("XADD", "{blk4}:s", "*", "f", "new");
        RespValue reply = await reader.ReadAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("new", reply.ToString(), StringComparison.Ordinal);
        Assert.True((await reader.CallAsync("XREAD", "BLOCK", "100", "STREAMS", "{blk4}:s", "$")).IsNull);
    }

    [Fact]
    public async Task BlockedClientDisconnects_ItsConnectionIsClosedAndProxyCarriesOn()
    {
        var dedicated = fixture.Server.Services.GetRequiredService<DedicatedConnections>();
        var blocking = fixture.Server.Services.GetRequiredService<Slotgate.Proxy.BlockingCommands>();
        var blocked = await fixture.ConnectRawAsync();
        await blocked.SendAsync("BLPOP", "{blk5}:never", "0");
        await Wait.UntilAsync(() => blocking.Blocked == 1, TimeSpan.FromSeconds(5));
        await blocked.DisposeAsync();
        await Wait.UntilAsync(() => blocking.Blocked == 0, TimeSpan.FromSeconds(5));
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal(1, (await client.CallAsync("RPUSH", "{blk5}:never", "x")).Integer);
        Assert.Equal("x", (await client.CallAsync("LPOP", "{blk5}:never")).Text);
        Assert.True(dedicated.Count < 20);
    }

    [Fact]
    public async Task StackExchangeRedis_BlockingPopThroughExecute_Works()
    {
        await fixture.Db.ListRightPushAsync("{blk6}:q", "item");
        var reply = await fixture.Db.ExecuteAsync("BLPOP", "{blk6}:q", "1");
        Assert.Equal("item", (string?)((StackExchange.Redis.RedisResult[])reply!)[1]);
    }

    [Fact]
    public async Task ClientUnblock_BlockedClientById_TimeoutOrError()
    {
        await using var blocked = await fixture.ConnectRawAsync();
        await using var other = await fixture.ConnectRawAsync();
        long id = (await blocked.CallAsync("CLIENT", "ID")).Integer;
        Assert.Equal(0, (await other.CallAsync("CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Integer);

        await blocked.SendAsync("BLPOP", "{blk7}:q", "0");
        var blocking = fixture.Server.Services.GetRequiredService<Slotgate.Proxy.BlockingCommands>();
        await Wait.UntilAsync(() => blocking.Blocked >= 1, TimeSpan.FromSeconds(5));
        await Task.Delay(100);
        Assert.Equal(1, (await other.CallAsync("CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Integer);
        Assert.True((await blocked.ReadAsync(TimeSpan.FromSeconds(5))).IsNull);

        await blocked.SendAsync("BLPOP", "{blk7}:q", "0");
        await Task.Delay(300);
        Assert.Equal(1, (await other.CallAsync("CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "ERROR")).Integer);
        Assert.StartsWith("UNBLOCKED", (await blocked.ReadAsync(TimeSpan.FromSeconds(5))).Text);
        Assert.Equal("PONG", (await blocked.CallAsync("PING")).Text);
    }
}
