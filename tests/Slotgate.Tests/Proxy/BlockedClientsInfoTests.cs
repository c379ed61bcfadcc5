using System.Net;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// INFO clients' blocked_clients, which clients and Redis's own test suite poll before they write to wake a blocked
/// reader, compared with a node's; the stream reader it lets such a suite wait for; INFO's RESP3 type; CONFIG
/// RESETSTAT resetting Slotgate's own counts as Redis resets its own.
/// </summary>
[Collection(ProxyCollection.Name)]
public class BlockedClientsInfoTests(ProxyFixture fixture)
{
    [Fact]
    public async Task InfoClients_ReaderBlockedThroughSlotgate_CountedLikeRedis()
    {
        await using RespTestClient node = await RespTestClient.ConnectAsync(IPEndPoint.Parse(fixture.Cluster.SeedEndpoints[0]));
        await using RespTestClient admin = await fixture.ConnectRawAsync();
        string nodeClients = (await node.CallAsync("INFO", "clients")).Text!;
        Assert.Contains("blocked_clients:0\r\n", nodeClients, StringComparison.Ordinal);
        Assert.Contains("blocked_clients:0\r\n", (await admin.CallAsync("INFO", "clients")).Text!, StringComparison.Ordinal);
        await using RespTestClient reader = await fixture.ConnectRawAsync();

        await reader.SendAsync("BLPOP", "blocked:" + Guid.NewGuid().ToString("N")[..8], "0.5");

        await WaitForBlockedAsync(admin, 1);
        await reader.ReadAsync(TimeSpan.FromSeconds(10));
        await WaitForBlockedAsync(admin, 0);
    }

    [Fact]
    public async Task Xread_XaddThenDelInTransaction_ReaderWokenOnlyByTheNextXadd()
    {
        string stream = "xadddel:" + Guid.NewGuid().ToString("N")[..8];
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await using RespTestClient reader = await fixture.ConnectRawAsync();
        await reader.SendAsync("XREAD", "BLOCK", "20000", "STREAMS", stream, "$");
        await WaitForBlockedAsync(writer, 1);

        Assert.Equal("OK", (await writer.CallAsync("MULTI")).Text);
        await writer.CallAsync("XADD", stream, "*", "old", "abcd1234");
        await writer.CallAsync("DEL", stream);
        Assert.Equal(2, (await writer.CallAsync("EXEC")).ItemsOrEmpty.Count);
        await writer.CallAsync("XADD", stream, "*", "new", "abcd1234");

        Slotgate.Protocol.RespValue woken = await reader.ReadAsync(TimeSpan.FromSeconds(10));
        Slotgate.Protocol.RespValue entry = woken.Items![0].Items![1].Items![0];
        Assert.Equal(stream, woken.Items[0].Items![0].Text);
        Assert.Equal(["new", "abcd1234"], entry.Items![1].ItemsOrEmpty.Select(f => f.Text));
        await writer.CallAsync("DEL", stream);
    }

    [Theory]
    [InlineData("INFO")]
    [InlineData("INFO", "server", "keyspace")]
    [InlineData("INFO", "server")]
    [InlineData("CLIENT", "LIST")]
    [InlineData("CLIENT", "INFO")]
    public async Task TextReplies_Resp3_VerbatimAsTheNodeGivesThem(params string[] command)
    {
        await using RespTestClient node = await RespTestClient.ConnectAsync(IPEndPoint.Parse(fixture.Cluster.SeedEndpoints[0]));
        await using RespTestClient proxy = await fixture.ConnectRawAsync();
        await node.CallAsync("HELLO", "3");
        await proxy.CallAsync("HELLO", "3");

        Slotgate.Protocol.RespValue reply = await proxy.CallAsync(command);

        Assert.Equal((await node.CallAsync(command)).Type, reply.Type);
        Assert.Equal('=', reply.Type);
        await using RespTestClient resp2 = await fixture.ConnectRawAsync();
        Assert.Equal('$', (await resp2.CallAsync(command)).Type);
    }

    [Fact]
    public async Task ConfigResetStat_AfterCommands_CommandstatsStartAgainAsInRedis()
    {
        await using RespTestClient client = await fixture.ConnectRawAsync();
        string key = "resetstat:" + Guid.NewGuid().ToString("N")[..8];
        await client.CallAsync("GEOADD", key, "0", "0", "a");

        Assert.Equal("OK", (await client.CallAsync("CONFIG", "RESETSTAT")).Text);
        string afterReset = (await client.CallAsync("INFO", "commandstats")).Text!;
        await client.CallAsync("GEOADD", key, "0", "0", "b");
        string afterOne = (await client.CallAsync("INFO", "commandstats", "latencystats")).Text!;

        Assert.DoesNotContain("cmdstat_geoadd:", afterReset, StringComparison.Ordinal);
        Assert.Contains("cmdstat_config|resetstat:calls=1,", afterReset, StringComparison.Ordinal);
        Assert.Contains("cmdstat_geoadd:calls=1,", afterOne, StringComparison.Ordinal);
        Assert.Contains("latency_percentiles_usec_geoadd:", afterOne, StringComparison.Ordinal);
        Assert.Matches(@"total_commands_processed:[1-9]\r\n", (await client.CallAsync("INFO", "stats")).Text!);
        await client.CallAsync("DEL", key);
    }

    /// <summary>As Redis's test suite waits: INFO's blocked_clients polled until it shows <paramref name="count"/>.</summary>
    private static Task WaitForBlockedAsync(RespTestClient client, int count) =>
        Wait.UntilAsync(async () => (await client.CallAsync("INFO", "clients")).Text!.Contains($"blocked_clients:{count}\r\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), $"{count} blocked clients");
}
