using Microsoft.Extensions.DependencyInjection;
using Slotgate.Backend;

namespace Slotgate.Tests.Proxy;

/// <summary>WATCH/MULTI/EXEC/DISCARD through Slotgate behave as on a Redis Cluster node, against a real cluster.</summary>
[Collection(ProxyCollection.Name)]
public class TransactionTests(ProxyFixture fixture)
{
    [Fact]
    public async Task MultiExec_SameSlot_RunsAtomicallyAndRepliesArray()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.Equal("QUEUED", (await client.CallAsync("SET", "{tx1}:a", "1")).Text);
        Assert.Equal("QUEUED", (await client.CallAsync("INCR", "{tx1}:a")).Text);
        Assert.Equal("QUEUED", (await client.CallAsync("GET", "{tx1}:a")).Text);
        Assert.Equal("QUEUED", (await client.CallAsync("PING")).Text);
        RespValue exec = await client.CallAsync("EXEC");
        Assert.Equal(["OK", "2", "2", "PONG"], exec.Items!.Select(i => i.ToString()));
        Assert.Equal("2", (await client.CallAsync("GET", "{tx1}:a")).Text);
    }

    [Fact]
    public async Task MultiExec_Pipelined_RepliesInOrderWithFollowingCommands()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.SendRawAsync([
            .. RespTestClient.Encode("MULTI"), .. RespTestClient.Encode("SET", "{tx2}:k", "v"),
            .. RespTestClient.Encode("EXEC"), .. RespTestClient.Encode("GET", "{tx2}:k"), .. RespTestClient.Encode("ECHO", "after")]);
        Assert.Equal("OK", (await client.ReadAsync()).Text);
        Assert.Equal("QUEUED", (await client.ReadAsync()).Text);
        Assert.Equal("OK", (await client.ReadAsync()).Items![0].Text);
        Assert.Equal("v", (await client.ReadAsync()).Text);
        Assert.Equal("after", (await client.ReadAsync()).Text);
    }

    [Fact]
    public async Task Multi_CrossSlotCommand_CrossSlotThenExecAbort()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.Equal("QUEUED", (await client.CallAsync("SET", "txcross:a", "1")).Text);
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", (await client.CallAsync("SET", "txcross:b", "2")).Text);
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", (await client.CallAsync("EXEC")).Text);
        Assert.True((await client.CallAsync("GET", "txcross:a")).IsNull);
    }

    [Fact]
    public async Task Multi_UnknownCommandOrWrongArity_ExecAbort()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.StartsWith("ERR unknown command 'NOSUCH'", (await client.CallAsync("NOSUCH", "x")).Text);
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", (await client.CallAsync("EXEC")).Text);

        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.Equal("ERR wrong number of arguments for 'get' command", (await client.CallAsync("GET")).Text);
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", (await client.CallAsync("EXEC")).Text);
    }

    [Fact]
    public async Task ExecDiscardMulti_OutOfPlace_RedisErrors()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("ERR EXEC without MULTI", (await client.CallAsync("EXEC")).Text);
        Assert.Equal("ERR DISCARD without MULTI", (await client.CallAsync("DISCARD")).Text);
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.Equal("ERR MULTI calls can not be nested", (await client.CallAsync("MULTI")).Text);
        Assert.Equal("ERR WATCH inside MULTI is not allowed", (await client.CallAsync("WATCH", "x")).Text);
        Assert.Equal("QUEUED", (await client.CallAsync("SET", "{tx3}:d", "1")).Text);
        Assert.Equal("OK", (await client.CallAsync("DISCARD")).Text);
        Assert.True((await client.CallAsync("GET", "{tx3}:d")).IsNull);
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.Empty((await client.CallAsync("EXEC")).Items!);
    }

    [Fact]
    public async Task Exec_RuntimeErrorInOneCommand_OthersStillApplied()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("SET", "{tx4}:s", "text");
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        await client.CallAsync("INCR", "{tx4}:s");
        await client.CallAsync("SET", "{tx4}:t", "ok");
        RespValue exec = await client.CallAsync("EXEC");
        Assert.True(exec.Items![0].IsError);
        Assert.Equal("OK", exec.Items[1].Text);
        Assert.Equal("ok", (await client.CallAsync("GET", "{tx4}:t")).Text);
    }

    [Fact]
    public async Task Watch_KeyUnchanged_ExecRuns_KeyChanged_ExecNil()
    {
        await using var client = await fixture.ConnectRawAsync();
        await using var other = await fixture.ConnectRawAsync();
        await client.CallAsync("SET", "{tx5}:balance", "10");

        Assert.Equal("OK", (await client.CallAsync("WATCH", "{tx5}:balance")).Text);
        Assert.Equal("10", (await client.CallAsync("GET", "{tx5}:balance")).Text);
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        await client.CallAsync("SET", "{tx5}:balance", "20");
        Assert.Equal("OK", (await client.CallAsync("EXEC")).Items![0].Text);

        Assert.Equal("OK", (await client.CallAsync("WATCH", "{tx5}:balance")).Text);
        Assert.Equal("OK", (await other.CallAsync("SET", "{tx5}:balance", "99")).Text);
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        await client.CallAsync("SET", "{tx5}:balance", "30");
        Assert.True((await client.CallAsync("EXEC")).IsNull);
        Assert.Equal("99", (await client.CallAsync("GET", "{tx5}:balance")).Text);

        Assert.Equal("OK", (await client.CallAsync("WATCH", "{tx5}:balance")).Text);
        Assert.Equal("OK", (await client.CallAsync("UNWATCH")).Text);
        Assert.Equal("OK", (await other.CallAsync("SET", "{tx5}:balance", "1")).Text);
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        await client.CallAsync("SET", "{tx5}:balance", "2");
        Assert.Equal("OK", (await client.CallAsync("EXEC")).Items![0].Text);
    }

    [Fact]
    public async Task Watch_KeysInOtherSlotThanTransaction_CrossSlot()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("WATCH", "{tx6}:a")).Text);
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", (await client.CallAsync("WATCH", "tx6other")).Text);
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", (await client.CallAsync("SET", "tx6other", "1")).Text);
        Assert.StartsWith("EXECABORT", (await client.CallAsync("EXEC")).Text);
    }

    [Fact]
    public async Task ManyTransactions_ReuseDedicatedConnections()
    {
        var dedicated = fixture.Server.Services.GetRequiredService<DedicatedConnections>();
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("MULTI");
        await client.CallAsync("INCR", "{tx7}:warm");
        await client.CallAsync("EXEC");
        int before = dedicated.Count; // other tests may have left idle connections in the shared pool
        for (int i = 0; i < 30; i++)
        {
            await client.CallAsync("MULTI");
            await client.CallAsync("INCR", "{tx7}:n");
            Assert.Equal(i + 1, (await client.CallAsync("EXEC")).Items![0].Integer);
        }
        Assert.InRange(dedicated.Count, 1, before);
    }

    [Fact]
    public async Task StackExchangeRedis_Transaction_WithCondition()
    {
        var db = fixture.Db;
        await db.StringSetAsync("{tx8}:k", "1");
        var tran = db.CreateTransaction();
        tran.AddCondition(StackExchange.Redis.Condition.StringEqual("{tx8}:k", "1"));
        _ = tran.StringIncrementAsync("{tx8}:k");
        _ = tran.StringSetAsync("{tx8}:other", "x");
        Assert.True(await tran.ExecuteAsync());
        Assert.Equal("2", (string?)await db.StringGetAsync("{tx8}:k"));

        var failing = db.CreateTransaction();
        failing.AddCondition(StackExchange.Redis.Condition.StringEqual("{tx8}:k", "1"));
        _ = failing.StringSetAsync("{tx8}:k", "never");
        Assert.False(await failing.ExecuteAsync());
        Assert.Equal("2", (string?)await db.StringGetAsync("{tx8}:k"));
    }

    [Fact]
    public async Task Pipelined_WritesAroundTransactionAndBlockingPop_SeeEachOtherInOrder()
    {
        // On one Redis a client's commands run in order; through Slotgate the transaction and the blocking pop run on
        // connections of their own, and must still see what was sent before them and be seen by what follows.
        await using var client = await fixture.ConnectRawAsync();
        for (int round = 0; round < 20; round++)
        {
            string key = $"{{tx9}}:n{round}";
            string list = $"{{tx9}}:l{round}";
            await client.SendRawAsync([
                .. RespTestClient.Encode("SET", key, "10"),
                .. RespTestClient.Encode("MULTI"), .. RespTestClient.Encode("INCR", key), .. RespTestClient.Encode("EXEC"),
                .. RespTestClient.Encode("GET", key),
                .. RespTestClient.Encode("RPUSH", list, "job"),
                .. RespTestClient.Encode("BLPOP", list, "0"),
                .. RespTestClient.Encode("LLEN", list)]);
            Assert.Equal("OK", (await client.ReadAsync()).Text);
            Assert.Equal("OK", (await client.ReadAsync()).Text);
            Assert.Equal("QUEUED", (await client.ReadAsync()).Text);
            Assert.Equal(11, (await client.ReadAsync()).Items![0].Integer);
            Assert.Equal("11", (await client.ReadAsync()).Text);
            Assert.Equal(1, (await client.ReadAsync()).Integer);
            Assert.Equal("job", (await client.ReadAsync(TimeSpan.FromSeconds(5))).Items![1].Text);
            Assert.Equal(0, (await client.ReadAsync()).Integer);
        }
    }
}
