namespace Slotgate.Tests.Proxy;

/// <summary>limits.maxClients and limits.clientIdleTimeout behave as Redis's maxclients and timeout.</summary>
[Collection(ProxyCollection.Name)]
public class ClientLimitsTests(ProxyFixture fixture)
{
    [Fact]
    public Task MaxClients_Exceeded_RedisErrorThenCloseOthersServed() =>
        AssertThirdClientRefusedThenAdmittedAsync(o => o with { Limits = o.Limits with { MaxClients = 2 } }, "ERR max number of clients reached");

    [Fact]
    public Task MaxClientsPerAddress_Exceeded_ClearErrorThenFreedWhenOneLeaves() =>
        AssertThirdClientRefusedThenAdmittedAsync(o => o with { Limits = o.Limits with { MaxClientsPerAddress = 2 } },
            "ERR Slotgate: too many connections from 127.0.0.1 (limits.maxClientsPerAddress = 2)");

    /// <summary>With room for two clients: the third gets <paramref name="error"/> and is closed; a place frees up when one leaves.</summary>
    private async Task AssertThirdClientRefusedThenAdmittedAsync(Func<Slotgate.Configuration.SlotgateOptions, Slotgate.Configuration.SlotgateOptions> limit, string error)
    {
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, limit);
        await using var first = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        var second = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("PONG", (await first.CallAsync("PING")).Text);
        Assert.Equal("PONG", (await second.CallAsync("PING")).Text);

        await using (var third = await RespTestClient.ConnectAsync(server.Endpoints[0]))
        {
            RespValue refused = await third.ReadAsync();
            Assert.Equal(error, refused.Text);
            Assert.True(await third.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }
        Assert.Equal("PONG", (await first.CallAsync("PING")).Text);

        await second.DisposeAsync();
        await Wait.UntilAsync(async () =>
        {
            await using var again = await RespTestClient.ConnectAsync(server.Endpoints[0]);
            RespValue reply = await again.CallAsync("PING");
            return reply.Text == "PONG";
        });
    }

    [Fact]
    public async Task ClientIdleTimeout_IdleClient_ClosedSilentlyWhileActiveSubscribedAndBlockedStay()
    {
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            // Long enough that the active client below, which sends a command every 100 ms, stays active even when
            // this process stalls for a moment (a pause of half a second was seen on a 2-core VM): the server shares
            // the process, so its idle sweep runs right after such a stall.
            Limits = o.Limits with { ClientIdleTimeout = TimeSpan.FromMilliseconds(1500) },
        });
        await using var idle = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await using var subscriber = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await using var blocked = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("PONG", (await idle.CallAsync("PING")).Text);
        Assert.Equal("subscribe", (await subscriber.CallAsync("SUBSCRIBE", "idle:channel")).Items![0].Text);
        await blocked.SendAsync("BLPOP", "idle:list", "5");
        // Connected only now: on a loaded machine the set-up above can take longer than the timeout, and a client
        // connected before it would rightly be idle by then.
        await using var active = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        var closed = idle.IsClosedByServerAsync(TimeSpan.FromSeconds(8));
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal("PONG", (await active.CallAsync("PING")).Text);
            await Task.Delay(100);
        }
        // Closed without a reply (Redis sends nothing either), within the 3 s or more the loop above took.
        Assert.True(await closed);
        Assert.Equal("PONG", (await active.CallAsync("PING")).Text);
        Assert.Equal("pong", (await subscriber.CallAsync("PING")).Items![0].Text);
        Assert.True((await blocked.ReadAsync(TimeSpan.FromSeconds(10))).IsNull);
    }

    [Fact]
    public async Task ClientIdleTimeout_Default_IdleClientStaysOpen()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        Assert.False(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(1.5)));
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }
}
