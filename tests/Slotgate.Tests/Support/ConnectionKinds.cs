using System.Net;

namespace Slotgate.Tests.Support;

/// <summary>
/// Drives every kind of backend connection Slotgate opens, through a client of Slotgate: shared connections to
/// primaries, READONLY connections to replicas (with <c>routing.readFrom: replica</c>), dedicated connections for a
/// transaction and a blocking command, a pub/sub connection, and RESP3 connections. Topology discovery has already
/// happened when the server started. Against nodes that demand AUTH (or TLS), each reply proves that kind of
/// connection authenticated.
/// </summary>
internal static class ConnectionKinds
{
    public static async Task ExerciseAllAsync(IPEndPoint slotgate, string prefix)
    {
        await using RespTestClient client = await RespTestClient.ConnectAsync(slotgate);
        Assert.Equal("OK", (await client.CallAsync("SET", prefix + ":k", "v")).Text);
        // A replica may not have the write yet: read until it has (reads go to replicas in this set-up).
        await Wait.UntilAsync(async () => (await client.CallAsync("GET", prefix + ":k")).Text == "v", what: "GET from a replica");

        await client.SendAsync("MULTI");
        await client.SendAsync("SET", "{" + prefix + "}:t", "1");
        await client.SendAsync("INCR", "{" + prefix + "}:t");
        await client.SendAsync("EXEC");
        Assert.Equal("OK", (await client.ReadAsync()).Text);
        Assert.Equal("QUEUED", (await client.ReadAsync()).Text);
        Assert.Equal("QUEUED", (await client.ReadAsync()).Text);
        RespValue exec = await client.ReadAsync();
        Assert.False(exec.IsError, exec.Text);
        Assert.Equal(2, exec.Items![1].Integer);

        Assert.Equal(1, (await client.CallAsync("RPUSH", prefix + ":list", "x")).Integer);
        RespValue popped = await client.CallAsync("BLPOP", prefix + ":list", "1");
        Assert.False(popped.IsError, popped.Text);
        Assert.Equal("x", popped.Items![1].Text);

        await using RespTestClient subscriber = await RespTestClient.ConnectAsync(slotgate);
        RespValue confirm = await subscriber.CallAsync("SUBSCRIBE", prefix + ":ch");
        Assert.False(confirm.IsError, confirm.Text);
        Assert.Equal("subscribe", confirm.Items![0].Text);
        // The count is the receiving node's own subscribers only (Redis Cluster), so it may be 0; the message arrives anyway.
        Assert.Equal(':', (await client.CallAsync("PUBLISH", prefix + ":ch", "hi")).Type);
        RespValue message = await subscriber.ReadAsync();
        Assert.Equal("hi", message.Items![2].Text);

        await using RespTestClient resp3 = await RespTestClient.ConnectAsync(slotgate);
        Assert.False((await resp3.CallAsync("HELLO", "3")).IsError);
        Assert.Equal("OK", (await resp3.CallAsync("SET", prefix + ":r3", "three")).Text);
        await Wait.UntilAsync(async () => (await resp3.CallAsync("GET", prefix + ":r3")).Text == "three", what: "RESP3 GET");
    }

}
